package checkpoint_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ember-ml/ember/checkpoint"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/ember_mlp.safetensors (then rerun gen_serialize.py)")

const golden = "../testdata/golden/"

// emberMLP is the model both fixtures use: Linear(3, 5), ReLU, Linear(5, 2).
func emberMLP(seed uint64) *nn.SequentialContainer {
	g := tensor.NewGenerator(seed)
	return nn.Sequential(nn.Linear(3, 5, nn.WithGenerator(g)), nn.ReLU(), nn.Linear(5, 2, nn.WithGenerator(g)))
}

// TestPyTorchSafetensorsLoadIntoEmber loads a state dict PyTorch saved (gen_serialize.py) and
// checks Ember's outputs against PyTorch's.
func TestPyTorchSafetensorsLoadIntoEmber(t *testing.T) {
	f := loadFixture(t)
	m := emberMLP(99)
	if _, err := checkpoint.LoadInto(golden+"torch_mlp.safetensors", m); err != nil {
		t.Fatal(err)
	}
	if err := tensortest.Close(m.Forward(f.X.MustTensor()), f.TorchOutput.MustTensor(), 1e-5, 1e-6); err != nil {
		t.Fatal(err)
	}
}

// TestEmberSafetensorsLoadIntoPyTorch: gen_serialize.py loaded Ember's file into PyTorch and
// recorded its outputs; Ember's own outputs for the file must agree.
func TestEmberSafetensorsLoadIntoPyTorch(t *testing.T) {
	path := golden + "ember_mlp.safetensors"
	if *update {
		if err := checkpoint.SaveModel(path, emberMLP(7), nil); err != nil {
			t.Fatal(err)
		}
	}
	f := loadFixture(t)
	m, file, err := checkpoint.LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	if file.Metadata["format"] != "pt" {
		t.Fatalf("metadata %v", file.Metadata)
	}
	if err := tensortest.Close(m.Forward(f.X.MustTensor()), f.EmberFileTorchOutput.MustTensor(), 1e-5, 1e-6); err != nil {
		t.Fatal(err)
	}
	// The fixture still is what Ember writes for that model.
	tmp := filepath.Join(t.TempDir(), "m.safetensors")
	if err := checkpoint.SaveModel(tmp, emberMLP(7), nil); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(tmp)
	b, _ := os.ReadFile(path)
	if !bytes.Equal(a, b) {
		t.Fatal("Ember's safetensors output changed; run go test ./checkpoint -update and gen_serialize.py")
	}
}

func TestSaveLoadModelRoundTrip(t *testing.T) {
	dir := t.TempDir()
	tensor.ManualSeed(3)
	m := nn.Sequential(nn.Flatten(), nn.Linear(4, 8), nn.LeakyReLU(0.2), nn.Dropout(0.1), nn.Linear(8, 3, nn.NoBias()), nn.LogSoftmax(1))
	path := filepath.Join(dir, "model.safetensors")
	if err := checkpoint.SaveModel(path, m, map[string]string{"note": "hi"}); err != nil {
		t.Fatal(err)
	}
	back, f, err := checkpoint.LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	if nn.String(back) != nn.String(m) || f.Metadata["note"] != "hi" {
		t.Fatalf("rebuilt\n%s\nfrom\n%s", nn.String(back), nn.String(m))
	}
	nn.Eval(m)
	nn.Eval(back)
	x := tensor.Randn(tensor.NewGenerator(1), 5, 2, 2)
	if err := tensortest.Close(back.Forward(x), m.Forward(x), 0, 0); err != nil {
		t.Fatal(err)
	}
	wrong := nn.Sequential(nn.Linear(4, 9))
	_, err = checkpoint.LoadInto(path, wrong)
	if err == nil || !strings.Contains(err.Error(), "missing keys") {
		t.Fatalf("loading into a different model: %v", err)
	}
	other := nn.Sequential(nn.Flatten(), nn.Linear(4, 8), nn.LeakyReLU(0.2), nn.Dropout(0.1), nn.Linear(8, 4, nn.NoBias()), nn.LogSoftmax(1))
	_, err = checkpoint.LoadInto(path, other)
	if err == nil || !strings.Contains(err.Error(), "4.weight") || !strings.Contains(err.Error(), "[3 8]") || !strings.Contains(err.Error(), "[4 8]") {
		t.Fatalf("shape mismatch error %v", err)
	}
}

func TestSaveLoadConvModel(t *testing.T) {
	tensor.ManualSeed(4)
	m := nn.Sequential(nn.Conv2d(1, 4, [2]int{3, 3}, tensor.Conv2dOptions{Padding: [2]int{1, 1}}), nn.ReLU(),
		nn.MaxPool2d(tensor.PoolOptions{Kernel: [2]int{2, 2}}), nn.Conv2d(4, 4, [2]int{3, 3}, tensor.Conv2dOptions{Groups: 2, SamePadding: true}, nn.NoBias()),
		nn.BatchNorm2d(4, 1e-5, 0.1, true), nn.AvgPool2d(tensor.PoolOptions{Kernel: [2]int{2, 2}}), nn.Flatten(), nn.LayerNorm([]int{16}, 1e-5, true), nn.Linear(16, 2))
	m.Forward(tensor.Randn(tensor.NewGenerator(1), 4, 1, 8, 8)) // update the running statistics
	nn.Eval(m)
	path := filepath.Join(t.TempDir(), "cnn.safetensors")
	if err := checkpoint.SaveModel(path, m, nil); err != nil {
		t.Fatal(err)
	}
	back, _, err := checkpoint.LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	x := tensor.Randn(tensor.NewGenerator(2), 3, 1, 8, 8)
	nn.Eval(back)
	if nn.String(back) != nn.String(m) {
		t.Fatalf("rebuilt\n%s\nfrom\n%s", nn.String(back), nn.String(m))
	}
	if err := tensortest.Close(back.Forward(x), m.Forward(x), 0, 0); err != nil {
		t.Fatal(err)
	}
}

// fixture is the part of gen_serialize.py's output these tests read.
type fixture struct {
	X                    tensortest.Array `json:"x"`
	TorchOutput          tensortest.Array `json:"torch_output"`
	EmberFileTorchOutput tensortest.Array `json:"ember_file_torch_output"`
}

func loadFixture(t *testing.T) fixture {
	var f fixture
	if err := tensortest.LoadJSON(golden+"serialize.json", &f); err != nil {
		t.Fatal(err)
	}
	return f
}
