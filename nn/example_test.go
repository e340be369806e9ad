package nn_test

import (
	"fmt"

	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/tensor"
)

// print(model) in PyTorch: the same text.
func ExampleSequential() {
	model := nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 10))
	fmt.Println(model)
	fmt.Println(model.Forward(tensor.Zeros(32, 1, 28, 28)).Shape())
	// Output:
	// Sequential(
	//   (0): Flatten(start_dim=1, end_dim=-1)
	//   (1): Linear(in_features=784, out_features=128, bias=True)
	//   (2): ReLU()
	//   (3): Dropout(p=0.2, inplace=False)
	//   (4): Linear(in_features=128, out_features=10, bias=True)
	// )
	// [32 10]
}

// A custom model is a Go struct: exported layer fields are its children, found without
// bookkeeping, named as PyTorch names them.
type TwoLayer struct {
	FC1, FC2 *nn.LinearLayer
	Drop     *nn.DropoutLayer
}

func (m *TwoLayer) Forward(x *tensor.Tensor) *tensor.Tensor {
	return m.FC2.Forward(m.Drop.Forward(m.FC1.Forward(x).ReLU()))
}

func ExampleStateDict() {
	m := &TwoLayer{FC1: nn.Linear(4, 8), FC2: nn.Linear(8, 2), Drop: nn.Dropout(0.5)}
	for _, e := range nn.NamedTensors(m) {
		fmt.Println(e.Name, e.Tensor.Shape())
	}
	sd := nn.StateDict(m) // a map: ranging over it gives the names
	fmt.Println(len(sd), nn.LoadStateDict(m, sd, true))
	// Output:
	// fc1.weight [8 4]
	// fc1.bias [8]
	// fc2.weight [2 8]
	// fc2.bias [2]
	// 4 <nil>
}

// Cross-entropy with class weights: the mean divides by the summed weights of the targets,
// as PyTorch's does; ignored targets are never read.
func ExampleCrossEntropyLoss() {
	logits := tensor.FromRows([][]float32{{2, 0, -1}, {0.5, 1.5, 0}, {0, 0, 3}})
	target := tensor.FromSlice([]int64{0, 1, -100})
	loss := nn.CrossEntropyLoss(nn.Weight(tensor.FromSlice([]float32{1, 2, 1})))(logits, target)
	fmt.Printf("%.4f\n", loss.Item()) // PyTorch: tensor(0.3662)
	// Output: 0.3662
}

// BCEWithLogitsLoss takes raw scores and is stable for large logits.
func ExampleBCEWithLogitsLoss() {
	logits := tensor.FromSlice([]float32{100, -100, 0})
	target := tensor.FromSlice([]float32{1, 0, 1})
	fmt.Printf("%.4f\n", nn.BCEWithLogitsLoss()(logits, target).Item()) // PyTorch: tensor(0.2310)
	// Output: 0.2310
}

// Summary runs the model on the meta device (shapes only, no data), so even a model too big
// for memory can be summarised.
func ExampleSummary() {
	model := nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.1), nn.Linear(16, 3))
	s, err := nn.Summary(model, 32, 4)
	if err != nil {
		panic(err)
	}
	fmt.Print(s)
	// Output:
	// ==========================================================================================
	// Layer (type:depth-idx)                   Output Shape              Param #
	// ==========================================================================================
	// Sequential                               [32, 3]                   --
	// ├─Linear: 1-1                            [32, 16]                  80
	// ├─ReLU: 1-2                              [32, 16]                  --
	// ├─Dropout: 1-3                           [32, 16]                  --
	// ├─Linear: 1-4                            [32, 3]                   51
	// ==========================================================================================
	// Total params: 131
	// Trainable params: 131
	// Non-trainable params: 0
	// ==========================================================================================
	// Input size (MB): 0.00
	// Activations kept for backward (MB): 0.01
	// Params size (MB): 0.00
	// Estimated total size (MB): 0.01
	// ==========================================================================================
}
