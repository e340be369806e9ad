package serialize_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"

	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/serialize"
	"github.com/ember-ml/ember/tensor"
)

// SaveModel writes a model's weights under PyTorch's state-dict names, with its architecture
// in the metadata; LoadModel rebuilds the model from the file alone.
func ExampleSaveModel() {
	dir, err := os.MkdirTemp("", "ember-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	g := tensor.NewGenerator(1)
	m := nn.Sequential(nn.Linear(3, 5, nn.WithGenerator(g)), nn.ReLU(), nn.Linear(5, 2, nn.WithGenerator(g)))
	path := filepath.Join(dir, "mlp.safetensors")
	if err := serialize.SaveModel(path, m, map[string]string{"epochs": "10"}); err != nil {
		log.Fatal(err)
	}
	back, f, err := serialize.LoadModel(path)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(nn.String(back))
	for _, name := range f.Names {
		fmt.Println(name, f.Tensor(name).Shape())
	}
	fmt.Println("epochs:", f.Metadata["epochs"])
	x := tensor.Ones(1, 3)
	fmt.Println("same outputs:", slices.Equal(back.Forward(x).Float32s(), m.Forward(x).Float32s()))
	// Output:
	// Sequential(
	//   (0): Linear(in_features=3, out_features=5, bias=True)
	//   (1): ReLU()
	//   (2): Linear(in_features=5, out_features=2, bias=True)
	// )
	// 0.weight [5 3]
	// 0.bias [5]
	// 2.weight [2 5]
	// 2.bias [2]
	// epochs: 10
	// same outputs: true
}

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
