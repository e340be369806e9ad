package svm

import (
	"math"
	"testing"
)

// TestExpNeg checks the kernel rows' exp against math.Exp over the range they use.
func TestExpNeg(t *testing.T) {
	for x := -720.0; x <= 5; x += 1.7e-3 {
		a, b := expNeg(x), math.Exp(x)
		if b < 1e-300 {
			if a != 0 && math.Abs(a-b) > 1e-300 {
				t.Fatalf("expNeg(%g) = %g, want %g", x, a, b)
			}
			continue
		}
		if math.Abs(a-b) > 1e-13*b {
			t.Fatalf("expNeg(%g) = %.17g, want %.17g", x, a, b)
		}
	}
}

// TestFillMatchesReference compares the fast kernel rows (two rows at a time, norms, expNeg,
// two goroutines) with K(a, b) computed plainly by kernelSpec.eval: equal to float32's
// rounding (2 ulp).
func TestFillMatchesReference(t *testing.T) {
	X, _ := classifData(3000, 7, 1)
	x := X.Float64s()
	d := 7
	ys := make([]float64, 3000)
	for i := range ys {
		ys[i] = float64(1 - 2*(i%2))
	}
	for _, ks := range []kernelSpec{
		{kind: "rbf", gamma: 0.7}, {kind: "linear"}, {kind: "poly", gamma: 0.3, coef0: 1, degree: 3},
		{kind: "sigmoid", gamma: 0.2, coef0: -0.5},
	} {
		kr := newKernelRows(ks, x, d)
		out := make([]float32, 3000)
		for _, i := range []int{0, 17, 2999} {
			kr.fill(out, i, 5, 3000, -1, ys)
			for j := 5; j < 3000; j++ {
				want := float32(-ys[j] * ks.eval(x[i*d:(i+1)*d], x[j*d:(j+1)*d]))
				if diff := math.Abs(float64(out[j] - want)); diff > 2*float64(ulp32(want)) {
					t.Fatalf("%s: K[%d][%d] = %g, want %g", ks.kind, i, j, out[j], want)
				}
			}
		}
	}
}

func ulp32(v float32) float32 {
	a := float32(math.Abs(float64(v)))
	return math.Nextafter32(a, float32(math.Inf(1))) - a
}
