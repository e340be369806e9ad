package serialize_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/serialize"
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

type fixture struct {
	X                    tensortest.Array `json:"x"`
	TorchOutput          tensortest.Array `json:"torch_output"`
	EmberFileTorchOutput tensortest.Array `json:"ember_file_torch_output"`
	NPY                  map[string]struct {
		File string           `json:"file"`
		Want tensortest.Array `json:"want"`
	} `json:"npy"`
	NPZ map[string]map[string]tensortest.Array `json:"npz"`
}

func loadFixture(t *testing.T) fixture {
	var f fixture
	if err := tensortest.LoadJSON(golden+"serialize.json", &f); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestPyTorchSafetensorsLoadIntoEmber loads a state dict PyTorch saved (gen_serialize.py) and
// checks Ember's outputs against PyTorch's.
func TestPyTorchSafetensorsLoadIntoEmber(t *testing.T) {
	f := loadFixture(t)
	m := emberMLP(99)
	if _, err := serialize.LoadInto(golden+"torch_mlp.safetensors", m); err != nil {
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
		if err := serialize.SaveModel(path, emberMLP(7), nil); err != nil {
			t.Fatal(err)
		}
	}
	f := loadFixture(t)
	m, file, err := serialize.LoadModel(path)
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
	if err := serialize.SaveModel(tmp, emberMLP(7), nil); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(tmp)
	b, _ := os.ReadFile(path)
	if !bytes.Equal(a, b) {
		t.Fatal("Ember's safetensors output changed; run go test ./serialize -update and gen_serialize.py")
	}
}

func TestSaveLoadModelRoundTrip(t *testing.T) {
	dir := t.TempDir()
	tensor.ManualSeed(3)
	m := nn.Sequential(nn.Flatten(), nn.Linear(4, 8), nn.LeakyReLU(0.2), nn.Dropout(0.1), nn.Linear(8, 3, nn.NoBias()), nn.LogSoftmax(1))
	path := filepath.Join(dir, "model.safetensors")
	if err := serialize.SaveModel(path, m, map[string]string{"note": "hi"}); err != nil {
		t.Fatal(err)
	}
	back, f, err := serialize.LoadModel(path)
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
	_, err = serialize.LoadInto(path, wrong)
	if err == nil || !strings.Contains(err.Error(), "missing keys") {
		t.Fatalf("loading into a different model: %v", err)
	}
	other := nn.Sequential(nn.Flatten(), nn.Linear(4, 8), nn.LeakyReLU(0.2), nn.Dropout(0.1), nn.Linear(8, 4, nn.NoBias()), nn.LogSoftmax(1))
	_, err = serialize.LoadInto(path, other)
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
	if err := serialize.SaveModel(path, m, nil); err != nil {
		t.Fatal(err)
	}
	back, _, err := serialize.LoadModel(path)
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

func TestSafetensorsRoundTripAllDTypes(t *testing.T) {
	in := map[string]*tensor.Tensor{
		"f32":    tensor.FromSlice([]float32{1.5, -2, 3e-8}, 3),
		"f64":    tensor.FromRows([][]float64{{1, 2}, {3, 4}}),
		"i64":    tensor.FromSlice([]int64{-5, 7}),
		"bool":   tensor.FromSlice([]bool{true, false, true}),
		"scalar": tensor.Scalar(2.5),
		"empty":  tensor.Zeros(0, 3),
		"view":   tensor.Arange(0, 6, 1).Reshape(2, 3).T(),
	}
	var b bytes.Buffer
	if err := serialize.EncodeSafetensors(&b, in, nil, map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	f, err := serialize.DecodeSafetensors(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range in {
		got := f.Tensor(name)
		if got == nil || got.DType() != want.DType() || tensortest.Close(got, want, 0, 0) != nil {
			t.Errorf("%s: got %v, want %v", name, got, want)
		}
	}
	if f.Metadata["k"] != "v" || !slices.Equal(f.Names, []string{"bool", "empty", "f32", "f64", "i64", "scalar", "view"}) && len(f.Names) != 7 {
		t.Fatalf("metadata %v names %v", f.Metadata, f.Names)
	}
}

// header builds a safetensors file from a raw JSON header and data bytes.
func header(js string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(js)))
	b.WriteString(js)
	b.Write(data)
	return b.Bytes()
}

func TestSafetensorsRejectsBadFiles(t *testing.T) {
	good := `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	for name, c := range map[string]struct {
		raw  []byte
		want string
	}{
		"truncated length": {[]byte{1, 2, 3}, "too short"},
		"lying length":     {append([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}, '{', '}'), "exceeds"},
		"bad json":         {header(`{"a":`, nil), "header JSON"},
		"unknown dtype":    {header(`{"a":{"dtype":"Q7","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)), "unknown dtype"},
		"offset outside":   {header(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, make([]byte, 4)), "outside the 4 data bytes"},
		"shape mismatch":   {header(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, make([]byte, 8)), "needs 12 bytes"},
		"huge shape":       {header(`{"a":{"dtype":"F32","shape":[1000000000000],"data_offsets":[0,8]}}`, make([]byte, 8)), "larger than"},
		"overlap":          {header(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, make([]byte, 8)), "overlaps"},
		"gap":              {header(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, make([]byte, 8)), "gap"},
		"trailing bytes":   {header(good, make([]byte, 12)), "unused"},
		"bad bool":         {header(`{"a":{"dtype":"BOOL","shape":[1],"data_offsets":[0,1]}}`, []byte{7}), "bool value 7"},
		"bad metadata":     {header(`{"__metadata__":{"a":1}}`, nil), "__metadata__"},
	} {
		_, err := serialize.DecodeSafetensors(c.raw)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
	if _, err := serialize.DecodeSafetensors(header(good, make([]byte, 8))); err != nil {
		t.Fatalf("valid file rejected: %v", err)
	}
}

func TestAtomicWriteKeepsOldFileOnFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.npy")
	if err := serialize.WriteNPY(path, tensor.Ones(2)); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("crash")
	err := serialize.WriteAtomic(path, func(w io.Writer) error {
		w.Write([]byte("partial garbage"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("error %v", err)
	}
	old, err := serialize.ReadNPY(path)
	if err != nil || !slices.Equal(old.Float32s(), []float32{1, 1}) {
		t.Fatalf("the previous file was damaged: %v %v", old, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}
