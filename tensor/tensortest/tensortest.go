// Package tensortest holds test helpers for code built on tensors: finite-difference gradient
// checks in float64, closeness assertions, and the loader of golden files written by the
// PyTorch scripts in testdata/golden.
package tensortest

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/tensor"
)

// Tolerances for GradCheck, PyTorch's gradcheck defaults.
const (
	GradEps  = 1e-6
	GradAtol = 1e-5
	GradRtol = 1e-3
)

// GradCheck compares the gradients autograd computes for f at inputs with central finite
// differences. inputs must be float64; f must be deterministic. It returns an error naming
// the input, the element and both values at the first mismatch.
func GradCheck(f func(xs []*tensor.Tensor) *tensor.Tensor, inputs ...*tensor.Tensor) error {
	return GradCheckWith(GradCheckOptions{Eps: GradEps, Atol: GradAtol, Rtol: GradRtol}, f, inputs...)
}

// GradCheckOptions sets the finite-difference step and the tolerances of GradCheckWith.
type GradCheckOptions struct{ Eps, Atol, Rtol float64 }

// GradCheckWith is GradCheck with a chosen step and tolerances, for functions that pass
// through float32 (whose rounding needs a larger step).
func GradCheckWith(o GradCheckOptions, f func(xs []*tensor.Tensor) *tensor.Tensor, inputs ...*tensor.Tensor) error {
	for i, x := range inputs {
		if x.DType() != tensor.Float64 {
			return fmt.Errorf("gradcheck: input %d is %v; finite differences need float64", i, x.DType())
		}
	}
	leaves := make([]*tensor.Tensor, len(inputs))
	for i, x := range inputs {
		leaves[i] = x.Detach().Clone().SetRequiresGrad(true)
	}
	out := f(leaves)
	if !out.RequiresGrad() {
		return fmt.Errorf("gradcheck: output does not require grad (grad_fn missing)")
	}
	// A fixed random weighting of the outputs checks every output element's gradient.
	w := tensor.Uniform(tensor.NewGenerator(7), 0.5, 1.5, out.Shape()...).Double()
	out.Mul(w).Sum().Backward()

	scalar := func(xs []*tensor.Tensor) float64 {
		var v float64
		tensor.NoGrad(func() { v = f(xs).Mul(w).Sum().Item() })
		return v
	}
	for i, x := range inputs {
		base := x.Float64s()
		var analytic []float64
		if g := leaves[i].Grad(); g != nil {
			analytic = g.Float64s()
		} else {
			analytic = make([]float64, len(base))
		}
		for j := range base {
			xs := make([]*tensor.Tensor, len(inputs))
			copy(xs, inputs)
			perturbed := func(d float64) float64 {
				v := append([]float64(nil), base...)
				v[j] += d
				xs[i] = tensor.FromSlice(v, x.Shape()...)
				return scalar(xs)
			}
			numeric := (perturbed(o.Eps) - perturbed(-o.Eps)) / (2 * o.Eps)
			a := analytic[j]
			if math.Abs(a-numeric) > o.Atol+o.Rtol*math.Abs(numeric) || math.IsNaN(a) != math.IsNaN(numeric) {
				return fmt.Errorf("gradcheck: input %d (shape %v) element %d: autograd gives %.10g, finite differences %.10g", i, x.Shape(), j, a, numeric)
			}
		}
	}
	return nil
}

// Close reports whether got and want have the same shape and every element satisfies
// |got−want| ≤ atol + rtol·|want|; NaNs must match NaNs and infinities must match exactly.
// The error names the worst element.
func Close(got, want *tensor.Tensor, rtol, atol float64) error {
	if fmt.Sprint(got.Shape()) != fmt.Sprint(want.Shape()) {
		return fmt.Errorf("shape %v, want %v", got.Shape(), want.Shape())
	}
	g, w := got.Float64s(), want.Float64s()
	worst, at := -1.0, -1
	for i := range g {
		a, b := g[i], w[i]
		switch {
		case math.IsNaN(a) || math.IsNaN(b):
			if math.IsNaN(a) != math.IsNaN(b) {
				return fmt.Errorf("element %d: got %v, want %v", i, a, b)
			}
			continue
		case math.IsInf(a, 0) || math.IsInf(b, 0):
			if a != b {
				return fmt.Errorf("element %d: got %v, want %v", i, a, b)
			}
			continue
		}
		if d := math.Abs(a-b) - (atol + rtol*math.Abs(b)); d > 0 && d > worst {
			worst, at = d, i
		}
	}
	if at >= 0 {
		return fmt.Errorf("element %d of %d: got %.10g, want %.10g (rtol %g, atol %g)", at, len(g), g[at], w[at], rtol, atol)
	}
	return nil
}
