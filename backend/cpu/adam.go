package cpu

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/backend"
)

// adamVector runs Adam's update on a float32 prefix of the slices with SIMD and returns how
// many elements it did (nil where the CPU has no vector kernel).
var adamVector func(w, g, m, v []float32, b1, omb1, b2, omb2, step, bc2sqrt, eps float32) int

// Adam updates w, m and v in place (see backend.Backend): the AVX-512 kernel for most float32
// elements where the CPU has it, the same arithmetic in scalar Go for the rest.
func (Backend) Adam(w, g, m, v backend.Storage, p backend.AdamParams) {
	n := w.Len()
	if g.Len() != n || m.Len() != n || v.Len() != n {
		panic(fmt.Sprintf("cpu: adam: lengths %d, %d, %d and %d differ", n, g.Len(), m.Len(), v.Len()))
	}
	switch w.DType() {
	case backend.Float32:
		adamFloat32(data[float32](w), data[float32](g), data[float32](m), data[float32](v), p.Beta1, p.Beta2, p.StepSize, p.BC2Sqrt, p.Eps)
	case backend.Float64:
		adamFloat64(data[float64](w), data[float64](g), data[float64](m), data[float64](v), p)
	default:
		panic(fmt.Sprintf("cpu: adam: needs float storages, got %v", w.DType()))
	}
}

// adamFloat32 is the float32 Adam update in PyTorch's operation order: the vector kernel for
// most elements, the same arithmetic in scalar float32 for the rest.
func adamFloat32(w, d, m, v []float32, b1, b2, stepSize, bc2sqrt, eps float64) {
	// The coefficients are rounded to float32 from float64, as PyTorch rounds its Python floats.
	fb1, fb2, fs, fc, fe := float32(b1), float32(b2), float32(stepSize), float32(bc2sqrt), float32(eps)
	o1, o2 := float32(1-b1), float32(1-b2)
	done := 0
	if adamVector != nil {
		done = adamVector(w, d, m, v, fb1, o1, fb2, o2, fs, fc, fe)
	}
	for i := done; i < len(w); i++ {
		g := d[i]
		m[i] = m[i]*fb1 + g*o1
		v[i] = v[i]*fb2 + g*g*o2
		denom := float32(math.Sqrt(float64(v[i])))/fc + fe
		w[i] -= fs * (m[i] / denom)
	}
}

func adamFloat64(w, d, m, v []float64, p backend.AdamParams) {
	b1, b2 := p.Beta1, p.Beta2
	for i := range w {
		gi := d[i]
		mi := b1*m[i] + (1-b1)*gi
		vi := b2*v[i] + (1-b2)*gi*gi
		m[i], v[i] = mi, vi
		denom := math.Sqrt(vi)/p.BC2Sqrt + p.Eps
		w[i] = w[i] - p.StepSize*mi/denom
	}
}

// BCEWithLogits returns the summed binary cross-entropy of logits (see backend.Backend).
func (Backend) BCEWithLogits(x, y backend.Storage) float64 {
	switch x.DType() {
	case backend.Float32:
		return bceLogits(data[float32](x), data[float32](y))
	case backend.Float64:
		return bceLogits(data[float64](x), data[float64](y))
	}
	panic(fmt.Sprintf("cpu: bce_with_logits: needs float storages, got %v", x.DType()))
}

func bceLogits[T float32 | float64](x, t []T) float64 {
	t = t[:len(x)]
	total := 0.0
	for i, v := range x {
		xv, tv := float64(v), float64(t[i])
		total += (1-tv)*xv + math.Max(-xv, 0) + math.Log1p(math.Exp(-math.Abs(xv)))
	}
	return total
}

// BCEWithLogitsBackward writes k·(sigmoid(x) − y) into gx.
func (Backend) BCEWithLogitsBackward(gx, x, y backend.Storage, k float64) {
	switch x.DType() {
	case backend.Float32:
		bceLogitsGrad(data[float32](gx), data[float32](x), data[float32](y), k)
	case backend.Float64:
		bceLogitsGrad(data[float64](gx), data[float64](x), data[float64](y), k)
	default:
		panic(fmt.Sprintf("cpu: bce_with_logits_backward: needs float storages, got %v", x.DType()))
	}
}

func bceLogitsGrad[T float32 | float64](grad, x, t []T, k float64) {
	grad, t = grad[:len(x)], t[:len(x)]
	for i, v := range x {
		xv := float64(v)
		var s float64
		if xv >= 0 {
			s = 1 / (1 + math.Exp(-xv))
		} else {
			e := math.Exp(xv)
			s = e / (1 + e)
		}
		grad[i] = T(k * (s - float64(t[i])))
	}
}
