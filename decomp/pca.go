package decomp

import (
	"fmt"
	"math"
	"sort"

	"github.com/ember-ml/ember/internal/inputs"
	"github.com/ember-ml/ember/tensor"
	"gonum.org/v1/gonum/mat"
)

// PCA is scikit-learn's PCA: X is centred on its column means and projected on the
// leading right singular vectors of the centred data. Components are sign-normalised as
// svd_flip does on u (the largest-magnitude entry of each column of U is positive).
//
// Precision follows scikit-learn's: the randomized solver keeps a float32 X in float32 for
// its products with X (Ember's GEMM); everything else — the means, the variances, the QR,
// the small SVD and the results — is float64. A float32 X whose column means are small
// next to its spread (n·‖mean‖² ≤ 4·‖X − 1·meanᵀ‖²_F) is not copied: the products
// use X and subtract their rank-one mean terms.
type PCA struct {
	// NComponents is the number of components kept; 0 (the default, scikit-learn's None)
	// keeps min(samples, features).
	NComponents int
	// NComponentsFraction, when > 0, must lie in (0, 1) and NComponents must be 0: the
	// smallest number of components whose explained variance ratios sum past it is kept
	// (scikit-learn's float n_components; needs the "full" solver).
	NComponentsFraction float64
	// SVDSolver is "auto" (default, and ""; "full" when max(samples, features) ≤ 500 or when
	// NComponents is not in [1, 0.8·min(samples, features)), else "randomized"), "full"
	// (exact thin SVD) or "randomized".
	SVDSolver string
	// Whiten divides the projections by the square root of the explained variances, so
	// that transformed features have unit variance.
	Whiten bool
	// IteratedPower is the number of power iterations of the randomized solver; -1 (the
	// default) is 'auto': 7 when NComponents < 0.1·min(samples, features), else 4.
	IteratedPower int
	NOversamples  int    // extra random directions of the randomized solver (default, and 0, means 10)
	RandomState   uint64 // seed of the randomized solver

	Components             *tensor.Tensor // principal axes, float64 [k, features]
	ExplainedVariance      *tensor.Tensor // variance along each axis (ddof 1), float64 [k]
	ExplainedVarianceRatio *tensor.Tensor // fraction of the total variance, float64 [k]
	SingularValues         *tensor.Tensor // singular values of the centred X, float64 [k]
	Mean                   *tensor.Tensor // column means of the training X, float64 [features]
	NoiseVariance          float64        // mean variance of the discarded directions
	NComponentsFitted      int            // k, scikit-learn's n_components_
	NSamples               int            // samples seen by Fit
	NFeaturesIn            int            // features seen by Fit

	comp *mat.Dense
	mean []float64
	ev   []float64
}

// NewPCA returns a PCA with scikit-learn's defaults keeping k components (0: all).
func NewPCA(k int) *PCA {
	return &PCA{NComponents: k, SVDSolver: "auto", IteratedPower: -1, NOversamples: 10}
}

// check validates the settings and returns the solver to use for n samples, d features.
func (p *PCA) check(n, d int) (string, error) {
	lim := min(n, d)
	switch {
	case n < 2:
		return "", fmt.Errorf("pca: need at least 2 samples, got %d", n)
	case p.NComponents < 0:
		return "", fmt.Errorf("pca: NComponents must be ≥ 0, got %d", p.NComponents)
	case p.NComponentsFraction != 0 && (p.NComponentsFraction <= 0 || p.NComponentsFraction >= 1 || math.IsNaN(p.NComponentsFraction)):
		return "", fmt.Errorf("pca: NComponentsFraction must be in (0, 1), got %g", p.NComponentsFraction)
	case p.NComponentsFraction != 0 && p.NComponents != 0:
		return "", fmt.Errorf("pca: set NComponents or NComponentsFraction, not both")
	case p.NComponents > lim:
		return "", fmt.Errorf("pca: NComponents=%d must be between 0 and min(n_samples, n_features)=%d", p.NComponents, lim)
	case p.NOversamples < 0:
		return "", fmt.Errorf("pca: NOversamples must be ≥ 0, got %d", p.NOversamples)
	case p.IteratedPower < -1:
		return "", fmt.Errorf("pca: IteratedPower must be ≥ 0 or -1 (auto), got %d", p.IteratedPower)
	}
	k := p.NComponents
	if k == 0 && p.NComponentsFraction == 0 {
		k = lim
	}
	switch p.SVDSolver {
	case "full":
		return "full", nil
	case "randomized":
		if p.NComponentsFraction != 0 {
			return "", fmt.Errorf("pca: NComponentsFraction needs SVDSolver \"full\" or \"auto\"")
		}
		return "randomized", nil
	case "auto", "":
		if max(n, d) > 500 && p.NComponentsFraction == 0 && k >= 1 && float64(k) < 0.8*float64(lim) {
			return "randomized", nil
		}
		return "full", nil
	}
	return "", fmt.Errorf("pca: SVDSolver must be \"auto\", \"full\" or \"randomized\", got %q", p.SVDSolver)
}

// Fit learns the principal axes of X [samples, features].
func (p *PCA) Fit(X *tensor.Tensor) error {
	_, _, err := p.fit(X)
	return err
}

// FitTransform fits on X and returns its projection [samples, k].
func (p *PCA) FitTransform(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, shifted, err := p.fit(X)
	if err != nil {
		return nil, err
	}
	return p.projectTensor(x, shifted), nil
}

// fit fits and returns the centred X: a float32 tensor when X is float32 (the randomized
// solver then computes its large products in float32, as scikit-learn does), else float64.
//
// A float32 X whose column means are small next to its spread (implicitCentring) is not
// copied for the randomized solver: the products with X are corrected by their rank-one mean
// terms, and fit returns X itself with shifted set.
func (p *PCA) fit(X *tensor.Tensor) (x *tensor.Tensor, shifted bool, err error) {
	if X != nil && X.Dim() == 2 && X.DType() == tensor.Float32 && X.Size(0) >= X.Size(1) && X.Size(1) > 0 {
		if src := X.HostFloat32(); src != nil {
			n, d := X.Size(0), X.Size(1)
			mean, sumSq, err := columnStats("pca", src, n, d)
			if err != nil {
				return nil, false, err
			}
			solver, err := p.check(n, d)
			if err != nil {
				return nil, false, err
			}
			m2 := 0.0
			for _, v := range mean {
				m2 += v * v
			}
			if solver == "randomized" && float64(n)*m2 <= implicitCentring*sumSq {
				return X, true, p.finish(X, n, d, solver, mean, sumSq, true)
			}
		}
	}
	xt, mean, sumSq, err := readCentred("pca", X)
	if err != nil {
		return nil, false, err
	}
	n, d := xt.Size(0), xt.Size(1)
	solver, err := p.check(n, d)
	if err != nil {
		return nil, false, err
	}
	return xt, false, p.finish(xt, n, d, solver, mean, sumSq, false)
}

// finish fits the centred xt (X itself, uncentred, when shifted) with the chosen solver and
// sets the fitted fields.
func (p *PCA) finish(xt *tensor.Tensor, n, d int, solver string, mean []float64, sumSq float64, shifted bool) error {
	var err error
	var vt *mat.Dense
	var s, ev, ratio []float64
	var k int
	var noise float64
	if solver == "full" {
		x := mat.NewDense(n, d, xt.HostFloat64())
		if xt.DType() != tensor.Float64 {
			x = mat.NewDense(n, d, xt.Float64s())
		}
		vt, s, ev, ratio, k, noise, err = p.fitFull(x)
	} else {
		var mu []float64
		if shifted {
			mu = mean
		}
		vt, s, ev, ratio, k, noise, err = p.fitRandomized(xt, sumSq, mu)
	}
	if err != nil {
		return err
	}
	if p.Whiten {
		for i, v := range ev {
			if !(v > 0) {
				return fmt.Errorf("pca: cannot whiten: component %d has zero variance (constant or collinear columns); lower NComponents", i)
			}
		}
	}
	p.comp, p.mean, p.ev = vt, mean, ev
	p.Components, p.Mean = toTensor(vt), vecTensor(mean)
	p.ExplainedVariance, p.ExplainedVarianceRatio, p.SingularValues = vecTensor(ev), vecTensor(ratio), vecTensor(s)
	p.NoiseVariance, p.NComponentsFitted, p.NSamples, p.NFeaturesIn = noise, k, n, d
	return nil
}

// fitFull uses the exact thin SVD of the centred x.
func (p *PCA) fitFull(x *mat.Dense) (vt *mat.Dense, s, ev, ratio []float64, k int, noise float64, err error) {
	n, d := x.Dims()
	u, s, vt, err := thinSVD("pca", x)
	if err != nil {
		return
	}
	svdFlipU(u, vt)
	ev = make([]float64, len(s))
	total := 0.0
	for i, v := range s {
		ev[i] = v * v / float64(n-1)
		total += ev[i]
	}
	ratio = make([]float64, len(s))
	for i, v := range ev {
		ratio[i] = v / total
	}
	k = p.NComponents
	switch {
	case p.NComponentsFraction > 0:
		k = fractionComponents(ratio, p.NComponentsFraction)
	case k == 0:
		k = min(n, d)
	}
	if k < min(n, d) {
		noise = mean(ev[k:])
	}
	return mat.DenseCopyOf(vt.Slice(0, k, 0, d)), s[:k], ev[:k], ratio[:k], k, noise, nil
}

// fractionComponents returns 1 + the number of cumulative ratios ≤ f (searchsorted right).
func fractionComponents(ratio []float64, f float64) int {
	cum := make([]float64, len(ratio))
	acc := 0.0
	for i, v := range ratio {
		acc += v
		cum[i] = acc
	}
	k := sort.Search(len(cum), func(i int) bool { return cum[i] > f }) + 1
	return min(k, len(ratio))
}

// fitRandomized uses randomized_svd on the centred x (float32 or float64, see fit); ratios
// are relative to the total variance of x, sumSq/(n−1) (sumSq: x's sum of squares).
// With mu set, x is not centred: mu are its column means (see randomizedSVDOf).
func (p *PCA) fitRandomized(x *tensor.Tensor, sumSq float64, mu []float64) (vt *mat.Dense, s, ev, ratio []float64, k int, noise float64, err error) {
	n, d := x.Size(0), x.Size(1)
	k = p.NComponents
	if k == 0 {
		k = min(n, d)
	}
	r := tensor.NewGenerator(p.RandomState).Rand()
	if x.DType() == tensor.Float32 {
		_, s, vt, err = randomizedSVDOf[float32]("pca", x, k, oversamples(p.NOversamples), p.IteratedPower, r, mu)
	} else {
		_, s, vt, err = randomizedSVDOf[float64]("pca", x, k, oversamples(p.NOversamples), p.IteratedPower, r, mu)
	}
	if err != nil {
		return
	}
	total := sumSq / float64(n-1)
	ev = make([]float64, k)
	ratio = make([]float64, k)
	sum := 0.0
	for i, v := range s {
		ev[i] = v * v / float64(n-1)
		ratio[i] = ev[i] / total
		sum += ev[i]
	}
	if k < min(n, d) {
		noise = (total - sum) / float64(min(n, d)-k)
	}
	return vt, s, ev, ratio, k, noise, nil
}

// oversamples returns n, or scikit-learn's default 10 when n is 0.
func oversamples(n int) int {
	if n == 0 {
		return 10
	}
	return n
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// project returns the centred x on the components, whitened if asked.
func (p *PCA) project(x *mat.Dense) *tensor.Tensor {
	out := mul(x, p.comp.T())
	if p.Whiten {
		scaleCols(out, p.ev, func(v float64) float64 { return 1 / math.Sqrt(v) })
	}
	return toTensor(out)
}

// projectTensor is project for the centred training data of fit (uncentred when shifted:
// the mean's projection is then subtracted): the product runs in x's dtype through Ember's
// GEMM; the result is float64 [samples, k].
func (p *PCA) projectTensor(x *tensor.Tensor, shifted bool) *tensor.Tensor {
	k, d := p.comp.Dims()
	comp := tensor.FromSlice(p.comp.RawMatrix().Data, k, d).To(x.DType())
	out := x.MatMul(comp.T()).To(tensor.Float64)
	if shifted {
		o := out.HostFloat64()
		mc := make([]float64, k) // Components·Mean
		for c := range k {
			for f, v := range p.comp.RawRowView(c) {
				mc[c] += v * p.mean[f]
			}
		}
		for i := range o {
			o[i] -= mc[i%k]
		}
	}
	if p.Whiten {
		o := out.HostFloat64()
		for j, v := range p.ev {
			inv := 1 / math.Sqrt(v)
			for i := j; i < len(o); i += k {
				o[i] *= inv
			}
		}
	}
	return out
}

// scaleCols multiplies column j of m by f(v[j]).
func scaleCols(m *mat.Dense, v []float64, f func(float64) float64) {
	r, _ := m.Dims()
	for i := range r {
		row := m.RawRowView(i)
		for j := range row {
			row[j] *= f(v[j])
		}
	}
}

// Transform projects X [samples, features] on the fitted components: (X − Mean)·Componentsᵀ,
// divided by √ExplainedVariance when Whiten is set; float64 [samples, k].
func (p *PCA) Transform(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := inputs.ReadFittedDense("pca: transform", X, p.NFeaturesIn)
	if err != nil {
		return nil, err
	}
	subtractRow(x, p.mean)
	return p.project(x), nil
}

// InverseTransform maps projections Z [samples, k] back to feature space:
// Z·Components + Mean (Z's columns first multiplied by √ExplainedVariance when Whiten is set).
func (p *PCA) InverseTransform(Z *tensor.Tensor) (*tensor.Tensor, error) {
	z, err := inputs.ReadFittedDense("pca: inverse transform", Z, p.NComponentsFitted)
	if err != nil {
		return nil, err
	}
	if p.Whiten {
		scaleCols(z, p.ev, math.Sqrt)
	}
	out := mul(z, p.comp)
	addRow(out, p.mean)
	return toTensor(out), nil
}
