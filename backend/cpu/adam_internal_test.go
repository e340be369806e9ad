package cpu

import (
	"math/rand/v2"
	"testing"
)

// TestAdamVectorMatchesScalar runs the SIMD Adam update and the scalar float32 one on the
// same data: the results must be identical (both round every operation like PyTorch).
func TestAdamVectorMatchesScalar(t *testing.T) {
	if adamVector == nil {
		t.Skip("no vector Adam kernel on this CPU")
	}
	r := rand.New(rand.NewPCG(1, 2))
	n := 1037
	mk := func() []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = float32(r.NormFloat64())
		}
		return s
	}
	w, g, m, v := mk(), mk(), mk(), mk()
	for i := range v {
		v[i] *= v[i]
	}
	w2, m2, v2 := append([]float32(nil), w...), append([]float32(nil), m...), append([]float32(nil), v...)
	adamFloat32(w, g, m, v, 0.9, 0.999, 0.01, 0.3, 1e-8)
	saved := adamVector
	adamVector = nil
	adamFloat32(w2, g, m2, v2, 0.9, 0.999, 0.01, 0.3, 1e-8)
	adamVector = saved
	for i := range w {
		if w[i] != w2[i] || m[i] != m2[i] || v[i] != v2[i] {
			t.Fatalf("element %d: vector (%v %v %v) vs scalar (%v %v %v)", i, w[i], m[i], v[i], w2[i], m2[i], v2[i])
		}
	}
}
