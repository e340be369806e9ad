package explain_test

import (
	"math"
	"strings"
	"testing"

	"github.com/ember-ml/ember/explain"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

type golden struct {
	State     map[string]tensortest.Array
	X, Scores tensortest.Array
	Cases     []struct {
		Kind     string
		Layer    int
		Class    int
		Steps    int
		Baseline *tensortest.Array
		Want     tensortest.Array
	}
}

// goldenCNN is gen_explain.py's model with its weights: conv-relu-pool-conv-relu-flatten-linear.
func goldenCNN(t *testing.T) (*nn.SequentialContainer, golden) {
	t.Helper()
	var g golden
	if err := tensortest.LoadJSON("../testdata/golden/explain.json", &g); err != nil {
		t.Fatal(err)
	}
	f64 := nn.WithDType(tensor.Float64)
	pad := tensor.Conv2dOptions{Padding: [2]int{1, 1}}
	m := nn.Sequential(
		nn.Conv2d(3, 4, [2]int{3, 3}, pad, f64), nn.ReLU(), nn.MaxPool2d(tensor.PoolOptions{Kernel: [2]int{2, 2}}),
		nn.Conv2d(4, 6, [2]int{3, 3}, pad, f64), nn.ReLU(),
		nn.Flatten(), nn.Linear(150, 3, f64),
	)
	sd := map[string]*tensor.Tensor{}
	for k, a := range g.State {
		sd[k] = a.MustTensor()
	}
	if err := nn.LoadStateDict(m, sd, true); err != nil {
		t.Fatal(err)
	}
	return m, g
}

// TestMatchesPyTorch replays testdata/golden/gen_explain.py: saliency, Grad-CAM on a conv
// layer and on the ReLU after it, and integrated gradients, for fixed and predicted classes.
func TestMatchesPyTorch(t *testing.T) {
	m, g := goldenCNN(t)
	x := g.X.MustTensor()
	var scores *tensor.Tensor
	tensor.NoGrad(func() { scores = m.Forward(x) })
	if err := tensortest.Close(scores, g.Scores.MustTensor(), 1e-12, 1e-12); err != nil {
		t.Fatalf("model scores: %v", err)
	}
	for _, c := range g.Cases {
		var got *tensor.Tensor
		var err error
		switch c.Kind {
		case "saliency":
			got, err = explain.Saliency(m, x, c.Class)
		case "gradcam":
			got, err = explain.GradCAM(m, m.Layers[c.Layer], x, c.Class)
		case "ig":
			var base *tensor.Tensor
			if c.Baseline != nil {
				base = c.Baseline.MustTensor()
			}
			got, err = explain.IntegratedGradients(m, x, base, c.Class, c.Steps)
		}
		if err != nil {
			t.Fatalf("%s layer %d class %d: %v", c.Kind, c.Layer, c.Class, err)
		}
		if err := tensortest.Close(got, c.Want.MustTensor(), 1e-9, 1e-12); err != nil {
			t.Fatalf("%s layer %d class %d: %v", c.Kind, c.Layer, c.Class, err)
		}
	}
	// The model is restored and its parameters have no gradients left behind.
	if _, ok := m.Layers[3].(*nn.Conv2dLayer); !ok {
		t.Fatalf("layer 3 is %T after Grad-CAM", m.Layers[3])
	}
	for _, p := range nn.NamedParameters(m) {
		if p.Tensor.Grad() != nil {
			t.Fatalf("%s has a gradient after explaining", p.Name)
		}
	}
}

// blobModel scores how much bright 3×3 texture an image holds: an all-ones 3×3 convolution,
// ReLU, global average pooling and a unit linear layer.
func blobModel() (*nn.SequentialContainer, nn.Module) {
	conv := nn.Conv2d(1, 1, [2]int{3, 3}, tensor.Conv2dOptions{Padding: [2]int{1, 1}}, nn.NoBias())
	conv.Weight.CopyFrom(tensor.Ones(1, 1, 3, 3))
	lin := nn.Linear(1, 1)
	lin.Weight.CopyFrom(tensor.Ones(1, 1))
	lin.Bias.CopyFrom(tensor.Zeros(1))
	return nn.Sequential(conv, nn.ReLU(), nn.AdaptiveAvgPool2d(1, 1), nn.Flatten(), lin), conv
}

// square returns a [1, 1, 16, 16] image with a bright 3×3 square whose top-left is (r, c).
func square(r, c int) *tensor.Tensor {
	pix := make([]float32, 256)
	for i := r; i < r+3; i++ {
		for j := c; j < c+3; j++ {
			pix[i*16+j] = 1
		}
	}
	return tensor.FromSlice(pix, 1, 1, 16, 16)
}

func peak(t *testing.T, m *tensor.Tensor) (int, int) {
	t.Helper()
	v := m.To(tensor.Float64).Float64s()
	w := m.Size(-1)
	best := 0
	for i := range v {
		if v[i] > v[best] {
			best = i
		}
	}
	return best / w, best % w
}

// TestPeakFollowsTheObject moves the square by (5, 6) pixels: every map's peak moves with it.
func TestPeakFollowsTheObject(t *testing.T) {
	m, conv := blobModel()
	maps := map[string]func(x *tensor.Tensor) (*tensor.Tensor, error){
		"saliency": func(x *tensor.Tensor) (*tensor.Tensor, error) { return explain.Saliency(m, x, 0) },
		"gradcam":  func(x *tensor.Tensor) (*tensor.Tensor, error) { return explain.GradCAM(m, conv, x, 0) },
		"ig": func(x *tensor.Tensor) (*tensor.Tensor, error) {
			a, err := explain.IntegratedGradients(m, x, nil, 0, 20)
			if err != nil {
				return nil, err
			}
			return a.Squeeze(1), nil
		},
	}
	for name, f := range maps {
		a, err := f(square(2, 3))
		if err != nil {
			t.Fatal(err)
		}
		b, err := f(square(7, 9))
		if err != nil {
			t.Fatal(err)
		}
		r0, c0 := peak(t, a)
		r1, c1 := peak(t, b)
		if r1-r0 != 5 || c1-c0 != 6 || r0 < 2 || r0 > 4 || c0 < 3 || c0 > 5 {
			t.Errorf("%s: peak at (%d, %d), then (%d, %d) after moving the square from (2, 3) by (5, 6)", name, r0, c0, r1, c1)
		}
	}
	// Grad-CAM of the conv layer peaks at the square's centre, at 1, and is 0 far away.
	cam, err := explain.GradCAM(m, conv, square(2, 3), 0)
	if err != nil {
		t.Fatal(err)
	}
	if r, c := peak(t, cam); r != 3 || c != 4 || cam.At(0, 3, 4) != 1 || cam.At(0, 12, 12) != 0 {
		t.Fatalf("Grad-CAM peak (%d, %d) = %v, far corner %v", r, c, cam.At(0, r, c), cam.At(0, 12, 12))
	}
}

// TestIntegratedGradientsCompleteness: attributions add up to score(x) − score(baseline).
func TestIntegratedGradientsCompleteness(t *testing.T) {
	m, g := goldenCNN(t)
	x := g.X.MustTensor()
	a, err := explain.IntegratedGradients(m, x, nil, 2, 200)
	if err != nil {
		t.Fatal(err)
	}
	var s, s0 *tensor.Tensor
	tensor.NoGrad(func() {
		s = m.Forward(x).Select(1, 2)
		s0 = m.Forward(tensor.ZerosLike(x)).Select(1, 2)
	})
	for n := range 2 {
		sum := a.Index(n).Sum().Item()
		want := s.At(n) - s0.At(n)
		if math.Abs(sum-want) > 0.02*math.Abs(want)+1e-3 {
			t.Errorf("sample %d: attributions sum to %v, score difference %v", n, sum, want)
		}
	}
}

// customModel holds its conv layer in a concrete-typed field, out of GradCAM's reach.
type customModel struct {
	Conv *nn.Conv2dLayer
	Head nn.Module
}

func (c *customModel) Forward(x *tensor.Tensor) *tensor.Tensor {
	return c.Head.Forward(c.Conv.Forward(x))
}

func TestErrors(t *testing.T) {
	m, conv := blobModel()
	x := square(2, 3)
	nan := tensor.Full(math.NaN(), 1, 1, 16, 16)
	cm := &customModel{Conv: conv.(*nn.Conv2dLayer), Head: nn.Sequential(nn.ReLU(), nn.AdaptiveAvgPool2d(1, 1), nn.Flatten())}
	for _, tc := range []struct {
		name string
		run  func() error
		want string
	}{
		{"class out of range", func() error { _, err := explain.Saliency(m, x, 3); return err }, "class 3 out of range"},
		{"NaN input", func() error { _, err := explain.Saliency(m, nan, 0); return err }, "non-finite"},
		{"nil input", func() error { _, err := explain.Saliency(m, nil, 0); return err }, "x is nil"},
		{"integer input", func() error { _, err := explain.Saliency(m, tensor.ZerosOf(tensor.Int64, 1, 1, 16, 16), 0); return err }, "floating point"},
		{"wrong channels", func() error { _, err := explain.Saliency(m, tensor.Zeros(1, 2, 16, 16), 0); return err }, "model forward"},
		{"steps", func() error { _, err := explain.IntegratedGradients(m, x, nil, 0, 0); return err }, "steps"},
		{"baseline shape", func() error { _, err := explain.IntegratedGradients(m, x, tensor.Zeros(1, 1, 8, 8), 0, 4); return err }, "baseline has shape"},
		{"layer not in model", func() error { _, err := explain.GradCAM(m, nn.ReLU(), x, 0); return err }, "not found"},
		{"layer is model", func() error { _, err := explain.GradCAM(m, m, x, 0); return err }, "model itself"},
		{"concrete field", func() error { _, err := explain.GradCAM(cm, cm.Conv, x, 0); return err }, "customModel.Conv"},
		{"not a feature map", func() error { _, err := explain.GradCAM(m, m.Layers[3], x, 0); return err }, "feature map"},
		{"not images", func() error { _, err := explain.GradCAM(m, conv, tensor.Zeros(2, 16), 0); return err }, "[N, C, H, W]"},
	} {
		err := tc.run()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
	// A failed Grad-CAM leaves the model as it was.
	if m.Layers[3] == nil {
		t.Fatal("layer lost")
	}
	if _, ok := m.Layers[0].(*nn.Conv2dLayer); !ok {
		t.Fatalf("layer 0 is %T after Grad-CAM", m.Layers[0])
	}
}

// GradCAMFrom serves models whose layers sit in concrete-typed fields.
func TestGradCAMFrom(t *testing.T) {
	m, conv := blobModel()
	want, err := explain.GradCAM(m, conv, square(4, 4), 0)
	if err != nil {
		t.Fatal(err)
	}
	cm := &customModel{Conv: conv.(*nn.Conv2dLayer), Head: nn.Sequential(nn.ReLU(), nn.AdaptiveAvgPool2d(1, 1), nn.Flatten())}
	got, err := explain.GradCAMFrom(func(x *tensor.Tensor) (*tensor.Tensor, *tensor.Tensor) {
		a := cm.Conv.Forward(x)
		return a, cm.Head.Forward(a)
	}, cm, square(4, 4), 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := tensortest.Close(got, want, 0, 1e-7); err != nil {
		t.Fatal(err)
	}
}

func TestWorksInsideNoGrad(t *testing.T) {
	m, conv := blobModel()
	var err error
	tensor.NoGrad(func() { _, err = explain.GradCAM(m, conv, square(1, 1), explain.Predicted) })
	if err != nil {
		t.Fatal(err)
	}
}
