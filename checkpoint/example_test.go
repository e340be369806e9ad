package checkpoint_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"

	"github.com/ember-ml/ember/checkpoint"
	"github.com/ember-ml/ember/nn"
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
	if err := checkpoint.SaveModel(path, m, map[string]string{"epochs": "10"}); err != nil {
		log.Fatal(err)
	}
	back, f, err := checkpoint.LoadModel(path)
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
