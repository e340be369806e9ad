package tensor_test

import (
	"slices"
	"testing"

	"github.com/ember-ml/ember/tensor"
)

// TestMLPMatchesLinearChain checks that the fused chain computes bit for bit what the chain of
// Linear calls computes — output, input gradient and every parameter gradient — over several
// steps that reuse the cached buffers, with and without biases, in float32 and float64.
func TestMLPMatchesLinearChain(t *testing.T) {
	for _, dt := range []tensor.DType{tensor.Float32, tensor.Float64} {
		g := tensor.NewGenerator(7)
		mk := func(shape ...int) *tensor.Tensor { return tensor.Randn(g, shape...).To(dt).SetRequiresGrad(true) }
		w := []*tensor.Tensor{mk(10, 2), mk(10, 10), mk(10, 10), mk(1, 10)}
		b := []*tensor.Tensor{mk(10), nil, mk(10), mk(1)}
		acts := []string{tensor.ActReLU, tensor.ActReLU, tensor.ActNone, tensor.ActNone}
		var cache tensor.MLPCache
		for step := range 3 {
			x := tensor.Randn(g, 32, 2).To(dt).SetRequiresGrad(true)
			layers := make([]tensor.DenseLayer, len(w))
			for i := range w {
				layers[i] = tensor.DenseLayer{W: w[i], B: b[i], Act: acts[i]}
			}
			fused := tensor.MLP(x, layers, &cache)
			fused.Square().Sum().Backward()
			got := []*tensor.Tensor{fused.Detach(), x.Grad()}
			for i := range w {
				got = append(got, w[i].Grad())
				if b[i] != nil {
					got = append(got, b[i].Grad())
				}
				w[i].ZeroGrad()
				if b[i] != nil {
					b[i].ZeroGrad()
				}
			}
			x.ZeroGrad()
			y := x
			for i := range w {
				y = tensor.Linear(y, w[i], b[i], acts[i])
			}
			y.Square().Sum().Backward()
			want := []*tensor.Tensor{y.Detach(), x.Grad()}
			for i := range w {
				want = append(want, w[i].Grad())
				if b[i] != nil {
					want = append(want, b[i].Grad())
				}
				w[i].ZeroGrad()
				if b[i] != nil {
					b[i].ZeroGrad()
				}
			}
			for k := range want {
				if !sameValues(got[k], want[k]) {
					t.Fatalf("%v step %d: tensor %d differs:\n%v\nwant\n%v", dt, step, k, got[k], want[k])
				}
			}
		}
	}
}

// sameValues reports whether a and b hold bit-identical values (shapes and dtypes equal).
func sameValues(a, b *tensor.Tensor) bool {
	if a == nil || b == nil || a.DType() != b.DType() || !slices.Equal(a.Shape(), b.Shape()) {
		return false
	}
	return slices.Equal(a.Float64s(), b.Float64s())
}
