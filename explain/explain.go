package explain

import (
	"fmt"
	"math"
	"reflect"

	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/tensor"
)

// Predicted, passed as the class, explains each sample's highest-scoring output.
const Predicted = -1

// run calls f with gradients recorded, in evaluation mode, turning a panic inside the model
// (a shape it does not take) into an error, and leaves the parameters' gradients as they were.
func run(model nn.Module, f func() error) (err error) {
	if model == nil {
		return fmt.Errorf("explain: nil model")
	}
	params := nn.Parameters(model)
	saved := make([]*tensor.Tensor, len(params))
	for i, p := range params {
		saved[i] = p.Grad()
	}
	defer func() {
		for i, p := range params {
			p.SetGrad(saved[i])
		}
		if r := recover(); r != nil {
			err = fmt.Errorf("explain: model forward or backward: %v", r)
		}
	}()
	nn.Eval(model)
	tensor.EnableGrad(func() { err = f() })
	return err
}

// input checks x (at least [N, D], floating point, finite) and returns a leaf copy of it in
// the model's parameter dtype that records its gradient.
func input(model nn.Module, name string, x *tensor.Tensor) (*tensor.Tensor, error) {
	if x == nil {
		return nil, fmt.Errorf("explain: %s is nil", name)
	}
	if x.Dim() < 2 || x.Size(0) == 0 {
		return nil, fmt.Errorf("explain: %s must be a batch [N, …] with N > 0, got shape %v", name, x.Shape())
	}
	if !x.DType().IsFloat() {
		return nil, fmt.Errorf("explain: %s must be floating point, got %v", name, x.DType())
	}
	for i, v := range x.To(tensor.Float64).Float64s() {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("explain: %s holds a non-finite value (%v at flat index %d)", name, v, i)
		}
	}
	dt := x.DType()
	if ps := nn.Parameters(model); len(ps) > 0 {
		dt = ps[0].DType()
	}
	return x.Detach().To(dt).Clone().SetRequiresGrad(true), nil
}

// score returns the sum over the batch of each sample's chosen output: column class of
// out [N, K], or every sample's largest with class Predicted; a single output per sample
// ([N] or [N, 1], a binary logit) is class 0.
func score(out *tensor.Tensor, n, class int) (*tensor.Tensor, error) {
	shape := out.Shape()
	if len(shape) == 1 && shape[0] == n {
		out = out.Unsqueeze(1)
	} else if len(shape) != 2 || shape[0] != n {
		return nil, fmt.Errorf("explain: model output has shape %v, want [%d, K] scores (or [%d])", shape, n, n)
	}
	k := out.Size(1)
	switch {
	case class == Predicted:
		idx := out.Detach().ArgmaxDim(1, true)
		return out.Gather(1, idx).Sum(), nil
	case class < 0 || class >= k:
		return nil, fmt.Errorf("explain: class %d out of range for %d model outputs", class, k)
	}
	return out.Select(1, class).Sum(), nil
}

// inputGradient returns ∂score/∂x at x (a leaf from input).
func inputGradient(model nn.Module, x *tensor.Tensor, class int) (*tensor.Tensor, error) {
	x.ZeroGrad()
	s, err := score(model.Forward(x), x.Size(0), class)
	if err != nil {
		return nil, err
	}
	s.Backward()
	if x.Grad() == nil {
		return tensor.ZerosLike(x), nil // the score does not depend on x
	}
	return x.Grad(), nil
}

// Saliency returns the vanilla-gradient saliency map of each sample (Simonyan et al., 2014):
// |∂score/∂x|, the largest over channels (dim 1) for x [N, C, H, W] (giving [N, H, W]) or
// [N, C, L] (giving [N, L]), and the same shape as x for x [N, D]. The score is the model's
// output for class (Predicted: each sample's top class; a single-output model has class 0).
// The model runs in evaluation mode (Saliency calls nn.Eval); its parameters' gradients are
// left as they were.
func Saliency(model nn.Module, x *tensor.Tensor, class int) (*tensor.Tensor, error) {
	var out *tensor.Tensor
	err := run(model, func() error {
		xin, err := input(model, "x", x)
		if err != nil {
			return err
		}
		g, err := inputGradient(model, xin, class)
		if err != nil {
			return err
		}
		tensor.NoGrad(func() {
			out = g.Abs()
			if out.Dim() > 2 {
				out = out.Amax([]int{1}, false)
			}
		})
		return nil
	})
	return out, err
}

// IntegratedGradients returns the integrated gradients of each sample (Sundararajan et
// al., 2017) with the same shape as x: (x − baseline) times the mean of ∂score/∂x at
// baseline + (k/steps)·(x − baseline) for k = 1…steps (the right Riemann sum), so the
// attributions of a sample add up to about score(x) − score(baseline), closer with more
// steps (50 is common). A nil baseline is all zeros; otherwise it has x's shape. Class and
// mode are as for Saliency.
func IntegratedGradients(model nn.Module, x, baseline *tensor.Tensor, class, steps int) (*tensor.Tensor, error) {
	if steps < 1 || steps > 100000 {
		return nil, fmt.Errorf("explain: steps must be in 1..100000, got %d", steps)
	}
	var out *tensor.Tensor
	err := run(model, func() error {
		xin, err := input(model, "x", x)
		if err != nil {
			return err
		}
		base := tensor.ZerosLike(xin)
		if baseline != nil {
			if base, err = input(model, "baseline", baseline); err != nil {
				return err
			}
			if !sameShape(base.Shape(), xin.Shape()) {
				return fmt.Errorf("explain: baseline has shape %v, want x's %v", base.Shape(), xin.Shape())
			}
		}
		var diff, total *tensor.Tensor
		tensor.NoGrad(func() { diff = xin.Sub(base) })
		for k := 1; k <= steps; k++ {
			var point *tensor.Tensor
			tensor.NoGrad(func() { point = base.Add(diff.MulScalar(float64(k) / float64(steps))).Contiguous() })
			point.SetRequiresGrad(true)
			g, err := inputGradient(model, point, class)
			if err != nil {
				return err
			}
			tensor.NoGrad(func() {
				if total == nil {
					total = g.Clone()
				} else {
					total = total.Add(g)
				}
			})
		}
		tensor.NoGrad(func() { out = diff.Mul(total).DivScalar(float64(steps)) })
		return nil
	})
	return out, err
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// GradCAM returns the Grad-CAM map of each sample x [N, C, H, W] as [N, H, W] in [0, 1]
// (Selvaraju et al., 2017), for the output of layer, a module inside model whose output is a
// feature map A [N, K, h, w]: the channel weights are the gradients of the class score with
// respect to A averaged over h×w; the map is ReLU(Σₖ wₖ·Aₖ), upsampled bilinearly to H×W
// (PyTorch's interpolate, align_corners=False) and then scaled per sample to [0, 1] by
// (m − min)/(max − min), all zeros when the map is constant — the order and scaling of
// pytorch-grad-cam's common implementation, save that it resizes after scaling.
//
// nn has no forward hooks, so GradCAM captures the layer's output by putting a recording
// wrapper in the layer's place for one forward pass and back again: the layer must be held
// in an interface-typed field (such as nn.Module) or an element of a slice of them — the
// layers of nn.Sequential qualify — of model or of a module inside it, once. A layer held
// in a concrete-typed field (*nn.Conv2dLayer) is reported as an error; use GradCAMFrom.
// Model must not be used by other goroutines meanwhile. Class and mode are as for Saliency.
func GradCAM(model, layer nn.Module, x *tensor.Tensor, class int) (*tensor.Tensor, error) {
	if layer == nil {
		return nil, fmt.Errorf("explain: nil layer")
	}
	t := &tap{Inner: layer}
	restore, err := swapIn(model, layer, t)
	if err != nil {
		return nil, err
	}
	defer restore()
	return GradCAMFrom(func(x *tensor.Tensor) (*tensor.Tensor, *tensor.Tensor) {
		t.out = nil
		scores := model.Forward(x)
		return t.out, scores
	}, model, x, class)
}

// GradCAMFrom is GradCAM for a model that exposes a layer's activations itself: forward
// returns the activations A [N, K, h, w] it computed on the way and the scores [N, K'] (both
// part of the same recorded graph). model is only used to find the parameters, whose
// gradients are left as they were, and to switch to evaluation mode; it may be nil.
func GradCAMFrom(forward func(x *tensor.Tensor) (activations, scores *tensor.Tensor), model nn.Module, x *tensor.Tensor, class int) (*tensor.Tensor, error) {
	if model == nil {
		model = nn.Identity() // no parameters, nothing to switch
	}
	if x != nil && x.Dim() != 4 {
		return nil, fmt.Errorf("explain: Grad-CAM needs images [N, C, H, W], got shape %v", x.Shape())
	}
	var out *tensor.Tensor
	err := run(model, func() error {
		xin, err := input(model, "x", x)
		if err != nil {
			return err
		}
		a, scores := forward(xin)
		if a == nil {
			return fmt.Errorf("explain: the layer's output was not captured (the model's forward pass did not call the layer)")
		}
		if a.Dim() != 4 || a.Size(0) != xin.Size(0) {
			return fmt.Errorf("explain: the layer's output has shape %v, want a feature map [%d, K, h, w]", a.Shape(), xin.Size(0))
		}
		if !a.RequiresGrad() {
			return fmt.Errorf("explain: the layer's output is not part of the recorded graph")
		}
		a.RetainGrad()
		s, err := score(scores, xin.Size(0), class)
		if err != nil {
			return err
		}
		s.Backward()
		g := a.Grad()
		if g == nil {
			g = tensor.ZerosLike(a) // the score does not depend on the layer
		}
		tensor.NoGrad(func() { out = camFromGrad(a.Detach(), g, xin.Size(2), xin.Size(3)) })
		return nil
	})
	return out, err
}

// camFromGrad weights a's channels by g's spatial means, applies ReLU, upsamples to h×w and
// scales each map to [0, 1].
func camFromGrad(a, g *tensor.Tensor, h, w int) *tensor.Tensor {
	weights := g.MeanDims([]int{2, 3}, true)                           // [N, K, 1, 1]
	cam := a.Mul(weights).SumDims([]int{1}, true).ReLU()               // [N, 1, h', w']
	cam = cam.Upsample(h, w, "bilinear").Squeeze(1)                    // [N, H, W]
	lo, hi := cam.Amin([]int{1, 2}, true), cam.Amax([]int{1, 2}, true) // [N, 1, 1]
	span := hi.Sub(lo)
	// A constant map (span 0) becomes zeros: divide by 1 there instead of 0.
	safe := tensor.Where(span.GtScalar(0), span, tensor.OnesLike(span))
	return cam.Sub(lo).Div(safe)
}

// tap stands in for a layer and records its output. Inner is exported so that nn's walks
// (Parameters, Eval) still reach the layer while the tap stands in.
type tap struct {
	Inner nn.Module
	out   *tensor.Tensor
}

func (t *tap) Forward(x *tensor.Tensor) *tensor.Tensor {
	y := t.Inner.Forward(x)
	if t.out == nil {
		t.out = y
	}
	return y
}

// swapIn puts t where layer is held inside model (see GradCAM) and returns how to undo it.
func swapIn(model, layer nn.Module, t nn.Module) (restore func(), err error) {
	if model == nil {
		return nil, fmt.Errorf("explain: nil model")
	}
	if same(model, layer) {
		return nil, fmt.Errorf("explain: the layer is the model itself; pick a layer inside it")
	}
	var slots []reflect.Value
	var fixed []string // concrete-typed fields holding the layer
	for _, c := range nn.Modules(model) {
		rv := reflect.ValueOf(c.Module)
		if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
			continue
		}
		st := rv.Elem()
		for i := range st.NumField() {
			f, sf := st.Field(i), st.Type().Field(i)
			if !sf.IsExported() {
				continue
			}
			name := fmt.Sprintf("%T.%s", c.Module, sf.Name)
			switch {
			case f.Kind() == reflect.Interface:
				if !f.IsNil() && same(f.Interface(), layer) {
					if reflect.TypeOf(t).Implements(f.Type()) {
						slots = append(slots, f)
					} else {
						fixed = append(fixed, name)
					}
				}
			case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.Interface:
				for j := range f.Len() {
					if e := f.Index(j); !e.IsNil() && same(e.Interface(), layer) {
						if reflect.TypeOf(t).Implements(e.Type()) {
							slots = append(slots, e)
						} else {
							fixed = append(fixed, fmt.Sprintf("%s[%d]", name, j))
						}
					}
				}
			case f.Kind() == reflect.Pointer || f.Kind() == reflect.Slice:
				if f.Kind() == reflect.Pointer && !f.IsNil() && same(f.Interface(), layer) {
					fixed = append(fixed, name)
				}
				if f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.Pointer {
					for j := range f.Len() {
						if e := f.Index(j); !e.IsNil() && same(e.Interface(), layer) {
							fixed = append(fixed, fmt.Sprintf("%s[%d]", name, j))
						}
					}
				}
			}
		}
	}
	switch {
	case len(slots)+len(fixed) > 1:
		return nil, fmt.Errorf("explain: the layer is held %d times in the model; Grad-CAM needs one use", len(slots)+len(fixed))
	case len(fixed) == 1:
		return nil, fmt.Errorf("explain: the layer is held in %s, a concrete-typed field that cannot hold the recording wrapper; hold it as nn.Module, or use GradCAMFrom", fixed[0])
	case len(slots) == 0:
		return nil, fmt.Errorf("explain: the layer was not found in the model's exported fields (nn.Modules lists what can be found)")
	}
	slot := slots[0]
	old := reflect.ValueOf(slot.Interface())
	slot.Set(reflect.ValueOf(t))
	return func() { slot.Set(old) }, nil
}

// same reports whether a and b are the same module (pointer identity).
func same(a, b any) bool {
	ra, rb := reflect.ValueOf(a), reflect.ValueOf(b)
	return ra.Kind() == reflect.Pointer && rb.Kind() == reflect.Pointer && ra.Pointer() == rb.Pointer() && ra.Type() == rb.Type()
}
