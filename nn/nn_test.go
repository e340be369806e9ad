package nn_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

type lossCase struct {
	Name    string              `json:"name"`
	Loss    string              `json:"loss"`
	Options map[string]json_any `json:"options"`
	Input   tensortest.Array    `json:"input"`
	Target  tensortest.Array    `json:"target"`
	Output  tensortest.Array    `json:"output"`
	Weights tensortest.Array    `json:"weights"`
	Grad    tensortest.Array    `json:"grad"`
}

type json_any = any

func arrayOption(v any, dtype tensor.DType) *tensor.Tensor {
	m := v.(map[string]any)
	var vals []float64
	for _, x := range m["data"].([]any) {
		vals = append(vals, x.(float64))
	}
	var shape []int
	for _, d := range m["shape"].([]any) {
		shape = append(shape, int(d.(float64)))
	}
	return tensor.FromSlice(vals, shape...).To(dtype)
}

func lossFor(c lossCase, dtype tensor.DType) nn.Loss {
	var opts []nn.LossOption
	for k, v := range c.Options {
		switch k {
		case "reduction":
			opts = append(opts, nn.Reduction(v.(string)))
		case "weight":
			opts = append(opts, nn.Weight(arrayOption(v, dtype)))
		case "pos_weight":
			opts = append(opts, nn.PosWeight(arrayOption(v, dtype)))
		case "ignore_index":
			opts = append(opts, nn.IgnoreIndex(int64(v.(float64))))
		case "label_smoothing":
			opts = append(opts, nn.LabelSmoothing(v.(float64)))
		case "beta":
			opts = append(opts, nn.Beta(v.(float64)))
		case "log_target":
			opts = append(opts, nn.LogTarget())
		}
	}
	switch c.Loss {
	case "MSELoss":
		return nn.MSELoss(opts...)
	case "L1Loss":
		return nn.L1Loss(opts...)
	case "SmoothL1Loss":
		return nn.SmoothL1Loss(opts...)
	case "HuberLoss":
		return nn.HuberLoss(opts...)
	case "BCELoss":
		return nn.BCELoss(opts...)
	case "BCEWithLogitsLoss":
		return nn.BCEWithLogitsLoss(opts...)
	case "CrossEntropyLoss":
		return nn.CrossEntropyLoss(opts...)
	case "NLLLoss":
		return nn.NLLLoss(opts...)
	case "KLDivLoss":
		return nn.KLDivLoss(opts...)
	}
	panic("unknown loss " + c.Loss)
}

// TestLossesMatchPyTorch checks every loss and option against testdata/golden/losses.json
// (made by testdata/golden/gen_losses.py).
func TestLossesMatchPyTorch(t *testing.T) {
	var file struct{ Cases []lossCase }
	if err := tensortest.LoadJSON("../testdata/golden/losses.json", &file); err != nil {
		t.Fatal(err)
	}
	for _, c := range file.Cases {
		t.Run(c.Name, func(t *testing.T) {
			x := c.Input.MustTensor().SetRequiresGrad(true)
			rtol, atol := 1e-5, 1e-6
			if c.Input.DType == "float64" {
				rtol, atol = 1e-10, 1e-12
			}
			out := lossFor(c, x.DType())(x, c.Target.MustTensor())
			if err := tensortest.Close(out, c.Output.MustTensor(), rtol, atol); err != nil {
				t.Fatalf("loss: %v\ngot  %v\nwant %v", err, out, c.Output.MustTensor())
			}
			out.Mul(c.Weights.MustTensor()).Sum().Backward()
			if err := tensortest.Close(x.Grad(), c.Grad.MustTensor(), rtol, atol); err != nil {
				t.Fatalf("grad: %v\ngot  %v\nwant %v", err, x.Grad(), c.Grad.MustTensor())
			}
		})
	}
}

func TestModelPrintsLikePyTorch(t *testing.T) {
	var want map[string]string
	if err := tensortest.LoadJSON("../testdata/golden/model_repr.json", &want); err != nil {
		t.Fatal(err)
	}
	models := map[string]nn.Module{
		"circles_mlp": nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 10), nn.ReLU(), nn.Linear(10, 10), nn.ReLU(), nn.Linear(10, 1)),
		"mixed":       nn.Sequential(nn.Flatten(), nn.Linear(784, 256, nn.NoBias()), nn.LeakyReLU(0.2), nn.Dropout(0.25), nn.Linear(256, 10), nn.LogSoftmax(1)),
		"lenet": nn.Sequential(nn.Conv2d(1, 6, [2]int{5, 5}, tensor.Conv2dOptions{Padding: [2]int{2, 2}}), nn.ReLU(), nn.MaxPool2d(tensor.PoolOptions{Kernel: [2]int{2, 2}}),
			nn.Conv2d(6, 16, [2]int{5, 5}, tensor.Conv2dOptions{}), nn.ReLU(), nn.MaxPool2d(tensor.PoolOptions{Kernel: [2]int{2, 2}}),
			nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)),
		"conv_options": nn.Sequential(nn.Conv2d(4, 8, [2]int{3, 2}, tensor.Conv2dOptions{Stride: [2]int{2, 1}, Padding: [2]int{1, 0}, Dilation: [2]int{2, 2}, Groups: 2}, nn.NoBias()),
			nn.AvgPool2d(tensor.PoolOptions{Kernel: [2]int{3, 3}, Stride: [2]int{1, 1}, Padding: [2]int{1, 1}}),
			nn.MaxPool2d(tensor.PoolOptions{Kernel: [2]int{2, 3}, Stride: [2]int{1, 2}})),
		"conv1d_stack": nn.Sequential(nn.Conv1d(2, 8, 5, tensor.Conv1dOptions{Padding: 2}), nn.ReLU(), nn.MaxPool1d(2, 0, 0),
			nn.Conv1d(8, 8, 3, tensor.Conv1dOptions{Stride: 2, Dilation: 2, Groups: 2}, nn.NoBias()), nn.AvgPool1d(3, 0, 0),
			nn.AdaptiveAvgPool1d(4), nn.AdaptiveAvgPool2d(2, 3), nn.AdaptiveAvgPool2d(5, 5)),
		"decoder": nn.Sequential(nn.ConvTranspose2d(8, 4, [2]int{3, 3}, tensor.ConvTranspose2dOptions{Stride: [2]int{2, 2}, Padding: [2]int{1, 1}, OutputPadding: [2]int{1, 1}}),
			nn.Upsample(6, 9, "nearest"), nn.ConvTranspose2d(4, 2, [2]int{2, 3}, tensor.ConvTranspose2dOptions{Dilation: [2]int{2, 2}, Groups: 2}, nn.NoBias()),
			nn.Upsample(7, 8, "bilinear")),
		"decoder1d": nn.Sequential(nn.ConvTranspose1d(4, 6, 3, tensor.ConvTranspose1dOptions{Stride: 2, Padding: 1, OutputPadding: 1, Groups: 2}),
			nn.ConvTranspose1d(6, 2, 2, tensor.ConvTranspose1dOptions{Dilation: 2}, nn.NoBias()),
			nn.UpsampleScale(2, 2, "nearest"), nn.UpsampleScale(1.5, 2, "bilinear")),
		"nested": nn.Sequential(nn.Sequential(nn.Linear(3, 4), nn.Tanh()), nn.GELU(), nn.ELU(1), nn.Softplus(1, 20), nn.Sigmoid(), nn.Identity(), nn.SiLU(), nn.Softmax(-1)),
	}
	for name, m := range models {
		if got := nn.String(m); got != want[name] {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", name, got, want[name])
		}
	}
}

// circleModel is a user-defined model: parameters are found without bookkeeping.
type circleModel struct {
	Layer1 *nn.LinearLayer
	Layer2 *nn.LinearLayer
	Blocks []nn.Module
	Act    nn.Module
	Scale  *tensor.Tensor `ember:",buffer"`
	hidden *tensor.Tensor
}

func (m *circleModel) Forward(x *tensor.Tensor) *tensor.Tensor {
	x = m.Act.Forward(m.Layer1.Forward(x))
	for _, b := range m.Blocks {
		x = b.Forward(x)
	}
	return m.Layer2.Forward(x).Mul(m.Scale)
}

func TestCustomModuleParameters(t *testing.T) {
	m := &circleModel{
		Layer1: nn.Linear(2, 4), Layer2: nn.Linear(4, 1), Act: nn.ReLU(),
		Blocks: []nn.Module{nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5))},
		Scale:  tensor.Ones(1), hidden: tensor.Ones(3).SetRequiresGrad(true),
	}
	var names []string
	for _, p := range nn.NamedParameters(m) {
		names = append(names, p.Name)
	}
	want := "layer1.weight layer1.bias layer2.weight layer2.bias blocks.0.0.weight blocks.0.0.bias"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("parameters %q, want %q", got, want)
	}
	sd := nn.NamedTensors(m)
	if sd[0].Name != "scale" { // a module's own tensors come before its children's, as in PyTorch
		var all []string
		for _, e := range sd {
			all = append(all, e.Name)
		}
		t.Fatalf("buffer missing from state dict: %v", all)
	}
	nn.Eval(m)
	x := tensor.Ones(8, 2)
	a, b := m.Forward(x).Float32s(), m.Forward(x).Float32s()
	for i := range a {
		if a[i] != b[i] {
			t.Fatal("dropout active in eval mode")
		}
	}
	sum, err := nn.Summary(m, 8, 2)
	if err != nil {
		t.Fatal(err)
	}
	if s := sum.String(); !strings.Contains(s, "Total params: 37") || sum.Rows[4].Name != "blocks.0.0" || fmt.Sprint(sum.Rows[4].OutputShape) != "[8 4]" {
		t.Fatalf("summary:\n%s\n%+v", s, sum.Rows)
	}
	want2 := "circleModel(\n  (layer1): Linear(in_features=2, out_features=4, bias=True)\n  (layer2): Linear(in_features=4, out_features=1, bias=True)\n  (blocks.0): Sequential(\n    (0): Linear(in_features=4, out_features=4, bias=True)\n    (1): Dropout(p=0.5, inplace=False)\n  )\n  (act): ReLU()\n)"
	if got := nn.String(m); got != want2 {
		t.Fatalf("print:\n%s\nwant\n%s", got, want2)
	}
}

func TestLoadStateDict(t *testing.T) {
	tensor.ManualSeed(1)
	a := nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
	b := nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
	sd := map[string]*tensor.Tensor{}
	for _, e := range nn.NamedTensors(a) {
		sd[e.Name] = e.Tensor
	}
	if err := nn.LoadStateDict(b, sd, true); err != nil {
		t.Fatal(err)
	}
	x := tensor.Randn(tensor.NewGenerator(2), 4, 2)
	if err := tensortest.Close(b.Forward(x), a.Forward(x), 0, 0); err != nil {
		t.Fatal(err)
	}
	sd["0.weight"] = tensor.Zeros(4, 2)
	err := nn.LoadStateDict(b, sd, true)
	if err == nil || !strings.Contains(err.Error(), "0.weight") || !strings.Contains(err.Error(), "[4 2]") || !strings.Contains(err.Error(), "[3 2]") {
		t.Fatalf("shape mismatch error %v", err)
	}
	delete(sd, "0.weight")
	if err := nn.LoadStateDict(b, sd, true); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("missing key error %v", err)
	}
}

func TestLinearInitMatchesPyTorchBounds(t *testing.T) {
	l := nn.Linear(100, 50, nn.WithGenerator(tensor.NewGenerator(3)))
	bound := 1 / math.Sqrt(100)
	w := l.Weight.Float64s()
	lo, hi, mean, sq := 1.0, -1.0, 0.0, 0.0
	for _, v := range w {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
		mean += v / float64(len(w))
		sq += v * v / float64(len(w))
	}
	if lo < -bound || hi > bound || hi < 0.9*bound || lo > -0.9*bound {
		t.Fatalf("weights span [%v, %v], want U(-%v, %v)", lo, hi, bound, bound)
	}
	// U(-b, b) has variance b²/3.
	if math.Abs(sq-bound*bound/3) > 0.1*bound*bound/3 || math.Abs(mean) > 0.05*bound {
		t.Fatalf("weight variance %v, want %v", sq, bound*bound/3)
	}
	for _, v := range l.Bias.Float64s() {
		if math.Abs(v) > bound {
			t.Fatalf("bias %v outside ±%v", v, bound)
		}
	}
	if a, b := nn.Linear(3, 2, nn.WithGenerator(tensor.NewGenerator(9))), nn.Linear(3, 2, nn.WithGenerator(tensor.NewGenerator(9))); tensortest.Close(a.Weight, b.Weight, 0, 0) != nil {
		t.Fatal("same generator seed gave different weights")
	}
}

func TestLossShapeMismatchIsClear(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "[4 1] and target [4] differ") {
			t.Fatalf("panic %v", r)
		}
	}()
	nn.MSELoss()(tensor.Zeros(4, 1), tensor.Zeros(4))
}

func TestDropoutScalesKeptUnits(t *testing.T) {
	d := nn.Dropout(0.25, nn.WithGenerator(tensor.NewGenerator(1)))
	y := d.Forward(tensor.Ones(10000)).Float64s()
	kept := 0
	for _, v := range y {
		if v != 0 {
			kept++
			if math.Abs(v-1/0.75) > 1e-6 {
				t.Fatalf("kept unit scaled to %v, want %v", v, 1/0.75)
			}
		}
	}
	if frac := float64(kept) / 10000; math.Abs(frac-0.75) > 0.02 {
		t.Fatalf("kept fraction %v, want 0.75", frac)
	}
}

// TestInferenceRecyclingKeepsResults runs a model repeatedly without gradients (its inner
// activations are recycled) and checks every kept output stays intact and correct.
func TestInferenceRecyclingKeepsResults(t *testing.T) {
	tensor.ManualSeed(5)
	m := nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 64), nn.Tanh(), nn.Dropout(0.5), nn.Flatten(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 3))
	m.Eval()
	g := tensor.NewGenerator(1)
	var inputs, copies, outputs, want []*tensor.Tensor
	for range 20 {
		x := tensor.Randn(g, 50, 8)
		inputs = append(inputs, x)
		copies = append(copies, x.Clone()) // taken before any forward pass
		want = append(want, m.Forward(x))  // with grad mode on: nothing is recycled
	}
	tensor.NoGrad(func() {
		for _, x := range inputs {
			outputs = append(outputs, m.Forward(x))
		}
	})
	for i := range outputs {
		if err := tensortest.Close(outputs[i], want[i], 0, 0); err != nil {
			t.Fatalf("output %d: %v", i, err)
		}
		if err := tensortest.Close(inputs[i], copies[i], 0, 0); err != nil {
			t.Fatalf("input %d changed: %v", i, err)
		}
	}
}

// TestConvTranspose1dAndUpsampleLayers checks the layers' shapes, PyTorch's initialisation
// bounds and that they compute what the functions compute.
func TestConvTranspose1dAndUpsampleLayers(t *testing.T) {
	c := nn.ConvTranspose1d(4, 6, 3, tensor.ConvTranspose1dOptions{Stride: 2, Padding: 1, OutputPadding: 1, Groups: 2})
	if got := c.Weight.Shape(); !slices.Equal(got, []int{4, 3, 3}) {
		t.Fatalf("weight shape %v, want [4 3 3]", got)
	}
	// fan_in = out/groups · K = 9: weights and bias lie in ±1/3.
	for _, p := range []*tensor.Tensor{c.Weight, c.Bias} {
		if m := p.Abs().Max().Item(); m > 1.0/3 {
			t.Fatalf("parameter exceeds the init bound: %v", m)
		}
	}
	x := tensor.Randn(tensor.NewGenerator(3), 2, 4, 5)
	y := c.Forward(x)
	if got := y.Shape(); !slices.Equal(got, []int{2, 6, 10}) {
		t.Fatalf("output shape %v, want [2 6 10]", got)
	}
	want := tensor.ConvTranspose1d(x, c.Weight, c.Bias, tensor.ConvTranspose1dOptions{Stride: 2, Padding: 1, OutputPadding: 1, Groups: 2})
	if err := tensortest.Close(y, want, 0, 0); err != nil {
		t.Fatal(err)
	}
	img := tensor.Randn(tensor.NewGenerator(4), 1, 2, 4, 5)
	if got := nn.UpsampleScale(1.5, 2, "bilinear").Forward(img).Shape(); !slices.Equal(got, []int{1, 2, 6, 10}) {
		t.Fatalf("upsample shape %v, want [1 2 6 10]", got)
	}
}

// TestSequentialConcurrentInference runs one model from several goroutines (the fused chain
// keeps per-call buffers; -race checks that nothing is shared).
func TestSequentialConcurrentInference(t *testing.T) {
	model := nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 1))
	x := tensor.Randn(tensor.NewGenerator(5), 4, 2)
	var want []float32
	tensor.NoGrad(func() { want = model.Forward(x).Float32s() })
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				var got []float32
				tensor.NoGrad(func() { got = model.Forward(x).Float32s() })
				if !slices.Equal(got, want) {
					errs <- fmt.Sprint(got, " != ", want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}

// TestInferenceNeverRecyclesTheInput: Flatten returns a view of the caller's input; the layer
// loop must not hand that storage back for reuse (it used to, zeroing the input).
func TestInferenceNeverRecyclesTheInput(t *testing.T) {
	m := nn.Sequential(nn.Flatten(), nn.Linear(128, 1))
	x := tensor.Ones(2, 1, 16, 8)
	tensor.NoGrad(func() { m.Forward(x) })
	if s := x.Sum().Item(); s != 256 {
		t.Fatalf("input sums to %v after the forward pass, want 256", s)
	}
	// A later allocation of the same size must not share the input's memory.
	var y *tensor.Tensor
	tensor.NoGrad(func() { y = m.Forward(tensor.Zeros(2, 1, 16, 8)) })
	_ = y
	if s := x.Sum().Item(); s != 256 {
		t.Fatalf("input sums to %v after a second forward pass, want 256", s)
	}
	// Inside a chain, views of an activation the loop made keep it alive until consumed.
	m2 := nn.Sequential(nn.Linear(128, 300), nn.Flatten(), nn.ReLU(), nn.Linear(300, 2))
	x2 := tensor.Randn(tensor.NewGenerator(3), 4, 128)
	want := m2.Forward(x2)
	var got *tensor.Tensor
	tensor.NoGrad(func() { got = m2.Forward(x2) })
	if err := tensortest.Close(got, want, 0, 0); err != nil {
		t.Fatal(err)
	}
}

// TestManualSeedReseedsLayersBuiltEarlier: like torch.manual_seed, ManualSeed changes the
// masks of a Dropout built before it (the default generator is reseeded, not replaced).
func TestManualSeedReseedsLayersBuiltEarlier(t *testing.T) {
	d := nn.Dropout(0.5)
	x := tensor.Ones(64)
	tensor.ManualSeed(7)
	a := d.Forward(x).Float32s()
	tensor.ManualSeed(7)
	b := d.Forward(x).Float32s()
	if !slices.Equal(a, b) {
		t.Fatal("ManualSeed did not restart the dropout masks of a layer built before it")
	}
	tensor.ManualSeed(8)
	if c := d.Forward(x).Float32s(); slices.Equal(a, c) {
		t.Fatal("another seed gave the same mask")
	}
}

// TestLayersBuiltInGoroutines draws initial weights from the shared default generator in
// many goroutines at once (run with -race); every draw must come out whole and distinct.
func TestLayersBuiltInGoroutines(t *testing.T) {
	var wg sync.WaitGroup
	layers := make([]*nn.LinearLayer, 16)
	for i := range layers {
		wg.Add(1)
		go func() { defer wg.Done(); layers[i] = nn.Linear(32, 32) }()
	}
	wg.Wait()
	seen := map[float32]bool{}
	for _, l := range layers {
		v := l.Weight.Float32s()[0]
		if seen[v] {
			t.Fatal("two layers drew the same weights")
		}
		seen[v] = true
	}
}

// TestStateDictNamesLowerInitialisms: Go's FC1 is PyTorch's fc1, as Layer1 is layer1.
func TestStateDictNamesLowerInitialisms(t *testing.T) {
	type net struct {
		FC1, Layer2 *nn.LinearLayer
		HTTPProj    *nn.LinearLayer
		ID          *tensor.Tensor
	}
	m := &net{FC1: nn.Linear(2, 3), Layer2: nn.Linear(3, 1), HTTPProj: nn.Linear(1, 1), ID: tensor.Zeros(1)}
	var names []string
	for _, e := range nn.NamedTensors(m) {
		names = append(names, e.Name)
	}
	want := []string{"id", "fc1.weight", "fc1.bias", "layer2.weight", "layer2.bias", "httpProj.weight", "httpProj.bias"}
	slices.Sort(names)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Fatalf("names %v, want %v", names, want)
	}
	sd := nn.StateDict(m)
	for name, tt := range sd { // ranging over a state dict gives names
		if !slices.Contains(want, name) || tt == nil {
			t.Fatalf("state dict entry %q", name)
		}
	}
	if err := nn.LoadStateDict(m, sd, true); err != nil {
		t.Fatal(err)
	}
}

// TestFlattenPrintsItsConstructor: the printed Flatten(start_dim=0, end_dim=-1) is built by
// nn.Flatten(0, -1), as in PyTorch.
func TestFlattenPrintsItsConstructor(t *testing.T) {
	for _, c := range []struct {
		l    *nn.FlattenLayer
		want string
	}{{nn.Flatten(), "Flatten(start_dim=1, end_dim=-1)"}, {nn.Flatten(0), "Flatten(start_dim=0, end_dim=-1)"}, {nn.Flatten(0, 2), "Flatten(start_dim=0, end_dim=2)"}} {
		if got := nn.String(c.l); got != c.want {
			t.Errorf("got %s, want %s", got, c.want)
		}
	}
	if got := nn.Flatten(0).Forward(tensor.Ones(2, 3, 4)).Shape(); !slices.Equal(got, []int{24}) {
		t.Fatalf("Flatten(0) shape %v", got)
	}
}

// TestCrossEntropyFloatClassIndicesNamesTheDType: float class indices are a dtype problem,
// and the message says so (not "Squeeze(1)").
func TestCrossEntropyFloatClassIndicesNamesTheDType(t *testing.T) {
	defer func() {
		msg, _ := recover().(string)
		if !strings.Contains(msg, "int64") || strings.Contains(msg, "Squeeze") {
			t.Fatalf("panic %q; want one naming int64 targets", msg)
		}
	}()
	nn.CrossEntropyLoss()(tensor.Zeros(4, 3), tensor.FromSlice([]float32{0, 1, 2, 1}))
}
