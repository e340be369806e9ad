package serialize_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/ember-ml/ember/serialize"
	"github.com/ember-ml/ember/tensor"
)

// WriteNPY and ReadNPY exchange single tensors with NumPy (numpy.load reads the file).
func ExampleWriteNPY() {
	dir, err := os.MkdirTemp("", "ember-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	x := tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	path := filepath.Join(dir, "x.npy")
	if err := serialize.WriteNPY(path, x); err != nil {
		log.Fatal(err)
	}
	y, err := serialize.ReadNPY(path)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(y.DType(), y.Shape(), y.Float32s())
	// Output:
	// float32 [2 3] [1 2 3 4 5 6]
}

// WriteSafetensors stores named tensors in the order given, with string metadata.
func ExampleWriteSafetensors() {
	dir, err := os.MkdirTemp("", "ember-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	tensors := map[string]*tensor.Tensor{
		"mean":  tensor.FromSlice([]float32{0.5, 0.25}, 2),
		"count": tensor.FromSlice([]int64{7}, 1),
	}
	path := filepath.Join(dir, "stats.safetensors")
	if err := serialize.WriteSafetensors(path, tensors, []string{"mean", "count"}, map[string]string{"source": "example"}); err != nil {
		log.Fatal(err)
	}
	f, err := serialize.ReadSafetensors(path)
	if err != nil {
		log.Fatal(err)
	}
	for _, name := range f.Names {
		t := f.Tensor(name)
		fmt.Println(name, t.DType(), t.Shape())
	}
	fmt.Println(f.Tensor("mean").Float32s(), f.Tensor("count").Int64s(), f.Metadata["source"])
	// Output:
	// mean float32 [2]
	// count int64 [1]
	// [0.5 0.25] [7] example
}
