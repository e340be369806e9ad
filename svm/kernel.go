package svm

import (
	"fmt"
	"math"
	"runtime"
	"strconv"
	"sync"
)

// kernelSpec is a fitted kernel: K(a, b) for the four libsvm kernels.
type kernelSpec struct {
	kind   string // "linear", "poly", "rbf" or "sigmoid"
	gamma  float64
	coef0  float64
	degree int
}

func checkKernel(op, kind string, degree int) error {
	switch kind {
	case "rbf", "linear", "poly", "sigmoid":
	default:
		return fmt.Errorf("%s: unknown kernel %q (want \"rbf\", \"linear\", \"poly\" or \"sigmoid\")", op, kind)
	}
	if kind == "poly" && degree < 0 {
		return fmt.Errorf("%s: Degree must be ≥ 0, got %d", op, degree)
	}
	return nil
}

// resolveGamma returns scikit-learn's gamma: "scale" is 1/(features·Var(X)) (1 when X is
// constant), "auto" is 1/features, otherwise the number in the string.
func resolveGamma(op, gamma string, x []float64, d int) (float64, error) {
	switch gamma {
	case "scale":
		var m, v float64
		for _, t := range x {
			m += t
		}
		m /= float64(len(x))
		for _, t := range x {
			v += (t - m) * (t - m)
		}
		v /= float64(len(x))
		if v == 0 {
			return 1, nil
		}
		return 1 / (float64(d) * v), nil
	case "auto":
		return 1 / float64(d), nil
	}
	g, err := strconv.ParseFloat(gamma, 64)
	if err != nil || !(g > 0) || math.IsInf(g, 0) {
		return 0, fmt.Errorf("%s: Gamma must be \"scale\", \"auto\" or a positive number, got %q", op, gamma)
	}
	return g, nil
}

// eval is K(a, b), computed as libsvm's prediction does (Σ(a−b)² for rbf).
func (k *kernelSpec) eval(a, b []float64) float64 {
	switch k.kind {
	case "linear":
		return dot(a, b)
	case "poly":
		return powi(k.gamma*dot(a, b)+k.coef0, k.degree)
	case "sigmoid":
		return math.Tanh(k.gamma*dot(a, b) + k.coef0)
	}
	var d float64
	for i := range a {
		t := a[i] - b[i]
		d += t * t
	}
	return math.Exp(-k.gamma * d)
}

// powi is libsvm's powi: base^times by repeated squaring.
func powi(base float64, times int) float64 {
	tmp, ret := base, 1.0
	for t := times; t > 0; t /= 2 {
		if t%2 == 1 {
			ret *= tmp
		}
		tmp *= tmp
	}
	return ret
}

func dot(a, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// kernelRows holds the training rows of one problem, row-major, with their squared norms,
// and computes kernel matrix entries the way libsvm's training does (‖a‖²+‖b‖²−2a·b for
// rbf). Rows may be swapped, as libsvm's shrinking swaps them.
type kernelRows struct {
	k    kernelSpec
	x    []float64
	d    int
	norm []float64
}

func newKernelRows(k kernelSpec, x []float64, d int) *kernelRows {
	n := len(x) / d
	r := &kernelRows{k: k, x: x, d: d, norm: make([]float64, n)}
	for i := range n {
		xi := x[i*d : (i+1)*d]
		r.norm[i] = dot(xi, xi)
	}
	return r
}

func (r *kernelRows) row(i int) []float64 { return r.x[i*r.d : (i+1)*r.d] }

// at is K(x_i, x_j).
func (r *kernelRows) at(i, j int) float64 {
	v := dot(r.row(i), r.row(j))
	switch r.k.kind {
	case "linear":
		return v
	case "poly":
		return powi(r.k.gamma*v+r.k.coef0, r.k.degree)
	case "sigmoid":
		return math.Tanh(r.k.gamma*v + r.k.coef0)
	}
	return math.Exp(-r.k.gamma * (r.norm[i] + r.norm[j] - 2*v))
}

// fill sets out[j] = sign(j)·K(x_i, x_j) for j in [from, to), where sign(j) is si·ys[j]
// (or si when ys is nil). It runs on the calling goroutine: splitting a row over two
// goroutines measured no faster on the svc workload (one row is about 0.15 ms of work).
func (r *kernelRows) fill(out []float32, i, from, to int, si float64, ys []float64) {
	r.fillRange(out, i, from, to, si, ys)
}

func (r *kernelRows) fillRange(out []float32, i, from, to int, si float64, ys []float64) {
	if r.k.kind == "rbf" {
		r.fillRBF(out, i, from, to, si, ys)
		return
	}
	for j := from; j < to; j++ {
		v := r.at(i, j)
		if ys != nil {
			v *= ys[j]
		}
		out[j] = float32(si * v)
	}
}

// fillRBF is fillRange for the rbf kernel: exp(−γ(‖x_i‖²+‖x_j‖²−2x_i·x_j)), two rows j at
// a time so that each load of x_i serves both, and expNeg for exp.
func (r *kernelRows) fillRBF(out []float32, i, from, to int, si float64, ys []float64) {
	d := r.d
	xi := r.row(i)
	g, ni := r.k.gamma, r.norm[i]
	norm := r.norm[:to]
	out = out[:to]
	j := from
	for ; j+2 <= to; j += 2 {
		xa := r.x[j*d : (j+1)*d]
		xb := r.x[(j+1)*d : (j+2)*d]
		xa, xb = xa[:len(xi)], xb[:len(xi)]
		var a0, a1, b0, b1 float64
		k := 0
		for ; k+2 <= len(xi); k += 2 {
			u, v := xi[k], xi[k+1]
			a0 += u * xa[k]
			a1 += v * xa[k+1]
			b0 += u * xb[k]
			b1 += v * xb[k+1]
		}
		if k < len(xi) {
			a0 += xi[k] * xa[k]
			b0 += xi[k] * xb[k]
		}
		va := expNeg(-g * (ni + norm[j] - 2*(a0+a1)))
		vb := expNeg(-g * (ni + norm[j+1] - 2*(b0+b1)))
		if ys != nil {
			va *= ys[j]
			vb *= ys[j+1]
		}
		out[j] = float32(si * va)
		out[j+1] = float32(si * vb)
	}
	for ; j < to; j++ {
		out[j] = float32(si * expNeg(-g*(ni+norm[j]-2*dot(xi, r.x[j*d:(j+1)*d]))))
		if ys != nil {
			out[j] *= float32(ys[j])
		}
	}
}

// expTable[k] is 2^(k/64).
var expTable = func() (t [64]float64) {
	for k := range t {
		t[k] = math.Exp2(float64(k) / 64)
	}
	return t
}()

// expNeg is eˣ for the kernel rows, relative error below 1e-13: x = (64m+k)·ln2/64 + r
// with |r| ≤ ln2/128, eˣ = 2^m · 2^(k/64) · e^r, e^r by its Taylor series to r⁴. It
// returns 0 below −700 and defers to math.Exp above 700.
func expNeg(x float64) float64 {
	const (
		scale = 64 / math.Ln2
		c1    = 6.93147180369123816490e-01 / 64 // ln2's leading bits over 64: n·c1 is exact
		c2    = 1.90821492927058770002e-10 / 64 // the rest of ln2 over 64
	)
	if x < -700 || x > 700 {
		if x < 0 {
			return 0
		}
		return math.Exp(x)
	}
	t := x * scale
	var n int
	if t < 0 {
		n = int(t - 0.5)
	} else {
		n = int(t + 0.5)
	}
	fn := float64(n)
	r := x - fn*c1 - fn*c2
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24))))
	m, k := n>>6, n&63
	return p * expTable[k] * math.Float64frombits(uint64(m+1023)<<52)
}

func (r *kernelRows) swap(i, j int) {
	if i == j {
		return
	}
	a, b := r.row(i), r.row(j)
	for t := range a {
		a[t], b[t] = b[t], a[t]
	}
	r.norm[i], r.norm[j] = r.norm[j], r.norm[i]
}

// rowsAgainst sets out[k] = K(x, sv_k) for the rows sv_k of sv (d features), as libsvm's
// prediction does (Σ(a−b)² for rbf), with expNeg for exp.
func (k *kernelSpec) rowsAgainst(x, sv []float64, d int, out []float64) {
	if k.kind != "rbf" {
		for t := range out {
			out[t] = k.eval(x, sv[t*d:(t+1)*d])
		}
		return
	}
	g := k.gamma
	for t := range out {
		s := sv[t*d : (t+1)*d]
		s = s[:len(x)]
		var a, b float64
		i := 0
		for ; i+2 <= len(x); i += 2 {
			u, v := x[i]-s[i], x[i+1]-s[i+1]
			a += u * u
			b += v * v
		}
		if i < len(x) {
			u := x[i] - s[i]
			a += u * u
		}
		out[t] = expNeg(-g * (a + b))
	}
}

// parallelRows calls f on [0, n) split in two halves on two goroutines when GOMAXPROCS > 1
// and the work (n·cost) is large, else once.
func parallelRows(n, cost int, f func(lo, hi int)) {
	if runtime.GOMAXPROCS(0) < 2 || n < 2 || n*cost < 1<<16 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		f(n/2, n)
		wg.Done()
	}()
	f(0, n/2)
	wg.Wait()
}
