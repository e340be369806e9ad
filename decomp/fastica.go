package decomp

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/internal/inputs"
	"github.com/ember-ml/ember/tensor"
	"gonum.org/v1/gonum/mat"
)

// FastICA is scikit-learn's FastICA: X is centred and whitened by its thin SVD (the
// whitening matrix's rows signed so that the first entry of each left singular vector is
// positive), then an unmixing matrix W is found by fixed-point iterations on the
// negentropy contrast Fun. Sources are Transform(X) = (X − Mean)·Componentsᵀ.
//
// Whiten defaults to "unit-variance" (scikit-learn 1.3's default; 1.2's default "warn"
// behaves as "arbitrary-variance"): each recovered source is scaled to unit variance.
type FastICA struct {
	NComponents int    // number of sources; 0 (default) or more than min(samples, features) means min(samples, features)
	Algorithm   string // "parallel" (default: symmetric decorrelation) or "deflation" (one source at a time)
	Whiten      string // "unit-variance" (default) or "arbitrary-variance"
	Fun         string // contrast: "logcosh" (default), "exp" or "cube"
	// Alpha is logcosh's constant in [1, 2] (default 1).
	Alpha   float64
	MaxIter int     // iterations (per source for deflation; default 200)
	Tol     float64 // stop when every |⟨w_new, w_old⟩| is within Tol of 1 (default 1e-4)
	// WInit, when set, is the initial unmixing matrix [k, k]; otherwise it is drawn from a
	// standard normal with RandomState (not NumPy's numbers: pass WInit to replay a
	// scikit-learn run exactly).
	WInit       *tensor.Tensor
	RandomState uint64

	Components  *tensor.Tensor // unmixing matrix applied to centred X, float64 [k, features]
	Mixing      *tensor.Tensor // pseudo-inverse of Components, float64 [features, k]
	Mean        *tensor.Tensor // column means of the training X, float64 [features]
	Whitening   *tensor.Tensor // whitening matrix K, float64 [k, features]
	NIter       int            // iterations run (the largest over sources for deflation)
	Converged   bool           // whether every source met Tol within MaxIter
	NFeaturesIn int            // features seen by Fit

	comp, mixing *mat.Dense
	mean         []float64
}

// NewFastICA returns a FastICA with scikit-learn's defaults (unit-variance whitening) and
// k components (0: all).
func NewFastICA(k int) *FastICA {
	return &FastICA{NComponents: k, Algorithm: "parallel", Whiten: "unit-variance", Fun: "logcosh", Alpha: 1, MaxIter: 200, Tol: 1e-4}
}

func (f *FastICA) check(n int) error {
	switch {
	case n < 2:
		return fmt.Errorf("fastica: need at least 2 samples, got %d", n)
	case f.NComponents < 0:
		return fmt.Errorf("fastica: NComponents must be ≥ 0, got %d", f.NComponents)
	case f.Algorithm != "parallel" && f.Algorithm != "deflation":
		return fmt.Errorf("fastica: Algorithm must be \"parallel\" or \"deflation\", got %q", f.Algorithm)
	case f.Whiten != "unit-variance" && f.Whiten != "arbitrary-variance":
		return fmt.Errorf("fastica: Whiten must be \"unit-variance\" or \"arbitrary-variance\", got %q", f.Whiten)
	case f.Fun != "logcosh" && f.Fun != "exp" && f.Fun != "cube":
		return fmt.Errorf("fastica: Fun must be \"logcosh\", \"exp\" or \"cube\", got %q", f.Fun)
	case !(f.Alpha >= 1 && f.Alpha <= 2):
		return fmt.Errorf("fastica: Alpha must be in [1, 2], got %g", f.Alpha)
	case f.MaxIter < 1:
		return fmt.Errorf("fastica: MaxIter must be ≥ 1, got %d", f.MaxIter)
	case !(f.Tol >= 0):
		return fmt.Errorf("fastica: Tol must be ≥ 0, got %g", f.Tol)
	}
	return nil
}

// Fit estimates the unmixing matrix of X [samples, features].
func (f *FastICA) Fit(X *tensor.Tensor) error {
	_, err := f.FitTransform(X)
	return err
}

// FitTransform fits on X and returns the estimated sources, float64 [samples, k].
func (f *FastICA) FitTransform(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := inputs.ReadDense("fastica", X)
	if err != nil {
		return nil, err
	}
	n, d := x.Dims()
	if err := f.check(n); err != nil {
		return nil, err
	}
	k := f.NComponents
	if k == 0 || k > min(n, d) {
		k = min(n, d)
	}
	mean := colMeans(x)
	subtractRow(x, mean)
	K, err := whitening(x, k)
	if err != nil {
		return nil, err
	}
	x1 := mul(K, x.T()) // [k, samples], scaled to unit variance below
	x1.Scale(math.Sqrt(float64(n)), x1)
	w0, err := f.initW(k)
	if err != nil {
		return nil, err
	}
	g := contrast(f.Fun, f.Alpha)
	var W *mat.Dense
	if f.Algorithm == "parallel" {
		W, f.NIter, f.Converged = icaParallel(x1, w0, g, f.MaxIter, f.Tol)
	} else {
		W, f.NIter, f.Converged = icaDeflation(x1, w0, g, f.MaxIter, f.Tol)
	}
	comp := mul(W, K)
	S := mul(x, comp.T())
	if f.Whiten == "unit-variance" {
		sd := colVariances(S)
		for j := range sd {
			sd[j] = math.Sqrt(sd[j])
		}
		scaleCols(S, sd, func(v float64) float64 { return 1 / v })
		for i, s := range sd {
			row := comp.RawRowView(i)
			for j := range row {
				row[j] /= s
			}
		}
	}
	mixing, err := pinv("fastica", comp)
	if err != nil {
		return nil, err
	}
	f.comp, f.mixing, f.mean, f.NFeaturesIn = comp, mixing, mean, d
	f.Components, f.Mixing, f.Mean, f.Whitening = toTensor(comp), toTensor(mixing), vecTensor(mean), toTensor(K)
	return toTensor(S), nil
}

// whitening returns K = (U / s)ᵀ[:k] of the centred x = U diag(s) Vᵀ, with each column of
// U signed so that its first entry is positive; the centred data must have rank ≥ k.
func whitening(x *mat.Dense, k int) (*mat.Dense, error) {
	u, s, _, err := thinSVD("fastica", x.T())
	if err != nil {
		return nil, err
	}
	d, _ := u.Dims()
	tol := float64(max(x.Dims())) * 2.220446049250313e-16 * s[0]
	K := mat.NewDense(k, d, nil)
	for c := range k {
		if !(s[c] > tol) {
			return nil, fmt.Errorf("fastica: cannot whiten: the centred X has rank %d < %d components (constant or collinear columns); lower NComponents", c, k)
		}
		sign := 1.0
		if u.At(0, c) < 0 {
			sign = -1
		}
		for j := range d {
			K.Set(c, j, sign*u.At(j, c)/s[c])
		}
	}
	return K, nil
}

// initW returns WInit, checked, or a standard normal k×k matrix.
func (f *FastICA) initW(k int) (*mat.Dense, error) {
	if f.WInit == nil {
		w := mat.NewDense(k, k, nil)
		r := tensor.NewGenerator(f.RandomState).Rand()
		raw := w.RawMatrix().Data
		for i := range raw {
			raw[i] = r.NormFloat64()
		}
		return w, nil
	}
	if f.WInit.Dim() != 2 || f.WInit.Size(0) != k || f.WInit.Size(1) != k {
		return nil, fmt.Errorf("fastica: WInit has shape %v, want [%d %d]", f.WInit.Shape(), k, k)
	}
	w, err := inputs.ReadDense("fastica: WInit", f.WInit)
	return w, err
}

// contrastFunc returns g(u) elementwise in gu and the mean of g'(u) over the row.
type contrastFunc func(u []float64, gu []float64) float64

func contrast(name string, alpha float64) contrastFunc {
	switch name {
	case "exp":
		return func(u, gu []float64) float64 {
			s := 0.0
			for i, x := range u {
				e := math.Exp(-x * x / 2)
				gu[i] = x * e
				s += (1 - x*x) * e
			}
			return s / float64(len(u))
		}
	case "cube":
		return func(u, gu []float64) float64 {
			s := 0.0
			for i, x := range u {
				gu[i] = x * x * x
				s += 3 * x * x
			}
			return s / float64(len(u))
		}
	}
	return func(u, gu []float64) float64 {
		s := 0.0
		for i, x := range u {
			t := math.Tanh(alpha * x)
			gu[i] = t
			s += alpha * (1 - t*t)
		}
		return s / float64(len(u))
	}
}

// symDecorrelate returns (W Wᵀ)^(-1/2) W.
func symDecorrelate(w *mat.Dense) *mat.Dense {
	k, _ := w.Dims()
	var wwt mat.SymDense
	wwt.SymOuterK(1, w)
	var eig mat.EigenSym
	eig.Factorize(&wwt, true)
	vals := eig.Values(nil)
	var u mat.Dense
	eig.VectorsTo(&u)
	scaled := mat.DenseCopyOf(&u)
	for j, v := range vals {
		v = max(v, 0x1p-1022) // the smallest normal float64, numpy's tiny
		for i := range k {
			scaled.Set(i, j, scaled.At(i, j)/math.Sqrt(v))
		}
	}
	return mul(mul(scaled, u.T()), w)
}

// icaParallel runs the symmetric FastICA iteration on whitened x1 [k, samples].
func icaParallel(x1, w0 *mat.Dense, g contrastFunc, maxIter int, tol float64) (*mat.Dense, int, bool) {
	k, p := x1.Dims()
	W := symDecorrelate(w0)
	gwtx := mat.NewDense(k, p, nil)
	gp := make([]float64, k)
	for it := 1; it <= maxIter; it++ {
		wx := mul(W, x1)
		for i := range k {
			gp[i] = g(wx.RawRowView(i), gwtx.RawRowView(i))
		}
		w1 := mul(gwtx, x1.T())
		for i := range k {
			row, wr := w1.RawRowView(i), W.RawRowView(i)
			for j := range row {
				row[j] = row[j]/float64(p) - gp[i]*wr[j]
			}
		}
		w1 = symDecorrelate(w1)
		lim := 0.0
		for i := range k {
			lim = max(lim, math.Abs(math.Abs(mat.Dot(w1.RowView(i), W.RowView(i)))-1))
		}
		W = w1
		if lim < tol {
			return W, it, true
		}
	}
	return W, maxIter, false
}

// icaDeflation finds one unmixing row at a time, Gram-Schmidt decorrelated from the
// previous rows.
func icaDeflation(x1, w0 *mat.Dense, g contrastFunc, maxIter int, tol float64) (*mat.Dense, int, bool) {
	k, p := x1.Dims()
	W := mat.NewDense(k, k, nil)
	gu := make([]float64, p)
	wx := make([]float64, p)
	nIter, converged := 0, true
	for j := range k {
		w := append([]float64(nil), w0.RawRowView(j)...)
		normalise(w)
		it, ok := 0, false
		for it < maxIter && !ok {
			it++
			for s := range p {
				wx[s] = 0
				for i := range k {
					wx[s] += w[i] * x1.At(i, s)
				}
			}
			gp := g(wx, gu)
			w1 := make([]float64, k)
			for i := range k {
				row := x1.RawRowView(i)
				acc := 0.0
				for s, v := range row {
					acc += v * gu[s]
				}
				w1[i] = acc/float64(p) - gp*w[i]
			}
			gramSchmidt(w1, W, j)
			normalise(w1)
			d := 0.0
			for i := range k {
				d += w1[i] * w[i]
			}
			ok = math.Abs(math.Abs(d)-1) < tol
			w = w1
		}
		converged = converged && ok
		nIter = max(nIter, it)
		copy(W.RawRowView(j), w)
	}
	return W, nIter, converged
}

// gramSchmidt removes from w its projections on the first j rows of W.
func gramSchmidt(w []float64, W *mat.Dense, j int) {
	proj := make([]float64, j)
	for r := range j {
		for i, v := range W.RawRowView(r) {
			proj[r] += w[i] * v
		}
	}
	for r := range j {
		for i, v := range W.RawRowView(r) {
			w[i] -= proj[r] * v
		}
	}
}

func normalise(w []float64) {
	s := 0.0
	for _, v := range w {
		s += v * v
	}
	s = math.Sqrt(s)
	for i := range w {
		w[i] /= s
	}
}

// Transform returns the sources of X [samples, features]: (X − Mean)·Componentsᵀ.
func (f *FastICA) Transform(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := inputs.ReadFittedDense("fastica: transform", X, f.NFeaturesIn)
	if err != nil {
		return nil, err
	}
	subtractRow(x, f.mean)
	return toTensor(mul(x, f.comp.T())), nil
}

// InverseTransform mixes sources S [samples, k] back: S·Mixingᵀ + Mean.
func (f *FastICA) InverseTransform(S *tensor.Tensor) (*tensor.Tensor, error) {
	if f.NFeaturesIn == 0 {
		return nil, fmt.Errorf("fastica: inverse transform: not fitted: call Fit first")
	}
	_, k := f.mixing.Dims()
	s, err := inputs.ReadFittedDense("fastica: inverse transform", S, k)
	if err != nil {
		return nil, err
	}
	out := mul(s, f.mixing.T())
	addRow(out, f.mean)
	return toTensor(out), nil
}
