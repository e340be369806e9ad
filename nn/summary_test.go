package nn_test

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

var update = flag.Bool("update", false, "rewrite the golden text files in testdata")

// lenet is internal/bench's LeNet(): LeNet-5 for 28×28 images.
func lenet() *nn.SequentialContainer {
	k5 := [2]int{5, 5}
	pool := tensor.PoolOptions{Kernel: [2]int{2, 2}}
	return nn.Sequential(
		nn.Conv2d(1, 6, k5, tensor.Conv2dOptions{Padding: [2]int{2, 2}}), nn.ReLU(), nn.MaxPool2d(pool),
		nn.Conv2d(6, 16, k5, tensor.Conv2dOptions{}), nn.ReLU(), nn.MaxPool2d(pool),
		nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
}

// sorter is examples/transformer's model, with its positional encoding as a buffer so that it
// moves with the model (the example keeps it in an unexported field).
type sorter struct {
	Embed   *nn.EmbeddingLayer
	Encoder *nn.TransformerEncoderModule
	Head    *nn.LinearLayer
	Pos     *tensor.Tensor `ember:",buffer"`
}

func newSorter() *sorter {
	return &sorter{
		Embed: nn.Embedding(10, 64, -1),
		Encoder: nn.TransformerEncoder(2, func() *nn.TransformerEncoderLayerModule {
			return nn.TransformerEncoderLayer(64, 4, nn.TransformerOptions{FeedForward: 128, NoDropout: true, BatchFirst: true})
		}, nil),
		Head: nn.Linear(64, 10),
		Pos:  nn.PositionalEncoding(8, 64),
	}
}

func (s *sorter) Forward(x *tensor.Tensor) *tensor.Tensor {
	return s.Head.Forward(s.Encoder.Forward(s.Embed.Forward(x).MulScalar(8).Add(s.Pos)))
}

// TestSummaryMatchesPyTorch compares each module's output shape and parameter counts, and the
// totals, with testdata/golden/summary.json (gen_summary.py: PyTorch's forward hooks, the
// figures torchinfo prints), and the printed tables with testdata/summary_*.txt (-update
// rewrites them).
func TestSummaryMatchesPyTorch(t *testing.T) {
	var file struct {
		Models []struct {
			Name        string
			InputShape  []int `json:"input_shape"`
			OutputShape []int `json:"output_shape"`
			Rows        []struct {
				Name        string
				Type        string
				OutputShape []int `json:"output_shape"`
				Params      int
				TotalParams int `json:"total_params"`
			}
			TotalParams     int `json:"total_params"`
			TrainableParams int `json:"trainable_params"`
		}
	}
	if err := tensortest.LoadJSON("../testdata/golden/summary.json", &file); err != nil {
		t.Fatal(err)
	}
	for _, want := range file.Models {
		var s *nn.ModelSummary
		var err error
		switch want.Name {
		case "lenet":
			s, err = nn.Summary(lenet(), want.InputShape...)
		case "transformer":
			s, err = nn.SummaryOf(newSorter(), tensor.ZerosOn(tensor.Meta, tensor.Int64, want.InputShape...))
		}
		if err != nil {
			t.Fatalf("%s: %v", want.Name, err)
		}
		if s.TotalParams != want.TotalParams || s.TrainableParams != want.TrainableParams || s.NonTrainableParams != 0 {
			t.Errorf("%s: params %d/%d, want %d/%d", want.Name, s.TotalParams, s.TrainableParams, want.TotalParams, want.TrainableParams)
		}
		if !slices.Equal(s.Rows[0].OutputShape, want.OutputShape) {
			t.Errorf("%s: output %v, want %v", want.Name, s.Rows[0].OutputShape, want.OutputShape)
		}
		got := map[string]nn.SummaryRow{}
		for _, r := range s.Rows {
			got[r.Name] = r
		}
		for _, w := range want.Rows {
			r, ok := got[w.Name]
			if !ok {
				if w.Type != "ModuleList" { // Ember numbers slice elements without a container row
					t.Errorf("%s: no row for %q", want.Name, w.Name)
				}
				continue
			}
			if r.Params != w.Params || r.TotalParams != w.TotalParams {
				t.Errorf("%s %q: params %d (total %d), want %d (total %d)", want.Name, w.Name, r.Params, r.TotalParams, w.Params, w.TotalParams)
			}
			// PyTorch's MultiheadAttention reads out_proj's weights without calling it, so the
			// hook never sees an output there; Ember calls it.
			if w.OutputShape != nil && !slices.Equal(r.OutputShape, w.OutputShape) {
				t.Errorf("%s %q: output shape %v, want %v", want.Name, w.Name, r.OutputShape, w.OutputShape)
			}
		}
		path := fmt.Sprintf("testdata/summary_%s.txt", want.Name)
		if *update {
			if err := os.WriteFile(path, []byte(s.String()), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		golden, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if s.String() != string(golden) {
			t.Errorf("%s: table changed (go test ./nn -run Summary -update to accept):\n%s", want.Name, s)
		}
	}
}

func TestSummaryLeavesTheModelAsItWas(t *testing.T) {
	m := lenet()
	x := tensor.Randn(tensor.NewGenerator(1), 2, 1, 28, 28)
	before := m.Forward(x).Float32s()
	w := nn.Parameters(m)[0]
	w.SetGrad(tensor.OnesLike(w))
	if _, err := nn.Summary(m, 64, 1, 28, 28); err != nil {
		t.Fatal(err)
	}
	if w.Device() != tensor.CPU || w.Grad() == nil || w.Grad().Device() != tensor.CPU {
		t.Fatal("parameters or gradients not restored to the CPU")
	}
	if !slices.Equal(before, m.Forward(x).Float32s()) {
		t.Fatal("the model computes differently after Summary")
	}
	tensor.NoGrad(func() {
		s, err := nn.Summary(m, 1, 1, 28, 28)
		if err != nil || s.ActivationBytes == 0 {
			t.Errorf("under NoGrad: %v, %+v", err, s)
		}
	})
	if _, err := nn.Summary(m, 2, 3, 28, 28); err == nil || !strings.Contains(err.Error(), "forward pass failed") {
		t.Fatalf("a wrong input shape gave %v", err)
	}
	if w.Device() != tensor.CPU {
		t.Fatal("parameters not restored after a failed forward pass")
	}
}

// TestSummaryOfAHugeModel builds a model with 4·10⁹ parameters on the meta device (16 GB as
// float32): Summary needs no memory for it.
func TestSummaryOfAHugeModel(t *testing.T) {
	m := nn.Sequential(nn.Linear(2, 2), nn.ReLU())
	big := nn.Sequential(m, nn.Linear(2, 2))
	nn.To(big, tensor.Meta)
	l := big.Layers[1].(*nn.LinearLayer)
	l.Weight = tensor.ZerosOn(tensor.Meta, tensor.Float32, 65536, 2).SetRequiresGrad(true)
	l.Bias = tensor.ZerosOn(tensor.Meta, tensor.Float32, 65536).SetRequiresGrad(true)
	s, err := nn.Summary(big, 65536, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Rows[0].OutputShape; !slices.Equal(got, []int{65536, 65536}) {
		t.Fatalf("output %v", got)
	}
	if s.ActivationBytes < 65536*65536*4 {
		t.Fatalf("activations %d bytes, want at least the 16 GiB output", s.ActivationBytes)
	}
}
