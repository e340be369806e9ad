package decomp

import (
	"fmt"

	"github.com/ember-ml/ember/internal/inputs"
	"github.com/ember-ml/ember/tensor"
	"gonum.org/v1/gonum/mat"
)

// TruncatedSVD is scikit-learn's TruncatedSVD (latent semantic analysis): the leading
// singular vectors of X itself, not centred. Components follow svd_flip on u.
type TruncatedSVD struct {
	NComponents int // number of components k (default 2)
	// Algorithm is "randomized" (default; randomized_svd with NIter power iterations) or
	// "arpack": here the exact thin SVD, which is what ARPACK converges to; it needs
	// k < min(samples, features) as ARPACK does.
	Algorithm    string
	NIter        int    // power iterations of the randomized algorithm (default 5)
	NOversamples int    // extra random directions of the randomized algorithm (default, and 0, means 10)
	RandomState  uint64 // seed of the randomized algorithm

	Components             *tensor.Tensor // right singular vectors, float64 [k, features]
	ExplainedVariance      *tensor.Tensor // variance (ddof 0) of each transformed column, float64 [k]
	ExplainedVarianceRatio *tensor.Tensor // ExplainedVariance over the total variance of X, float64 [k]
	SingularValues         *tensor.Tensor // float64 [k]
	NFeaturesIn            int            // features seen by Fit

	comp *mat.Dense
}

// NewTruncatedSVD returns a TruncatedSVD with scikit-learn's defaults and k components.
func NewTruncatedSVD(k int) *TruncatedSVD {
	return &TruncatedSVD{NComponents: k, Algorithm: "randomized", NIter: 5, NOversamples: 10}
}

func (t *TruncatedSVD) check(n, d int) error {
	switch {
	case d < 2:
		return fmt.Errorf("truncated svd: need at least 2 features, got %d", d)
	case t.NComponents < 1:
		return fmt.Errorf("truncated svd: NComponents must be ≥ 1, got %d", t.NComponents)
	case t.NIter < 0:
		return fmt.Errorf("truncated svd: NIter must be ≥ 0, got %d", t.NIter)
	case t.NOversamples < 0:
		return fmt.Errorf("truncated svd: NOversamples must be ≥ 0, got %d", t.NOversamples)
	case t.Algorithm == "randomized":
		if t.NComponents > d {
			return fmt.Errorf("truncated svd: NComponents=%d must be ≤ n_features=%d", t.NComponents, d)
		}
		if t.NComponents > min(n, d) {
			return fmt.Errorf("truncated svd: NComponents=%d must be ≤ min(n_samples, n_features)=%d", t.NComponents, min(n, d))
		}
	case t.Algorithm == "arpack":
		if t.NComponents >= min(n, d) {
			return fmt.Errorf("truncated svd: NComponents=%d must be < min(n_samples, n_features)=%d with Algorithm \"arpack\"", t.NComponents, min(n, d))
		}
	default:
		return fmt.Errorf("truncated svd: Algorithm must be \"randomized\" or \"arpack\", got %q", t.Algorithm)
	}
	return nil
}

// Fit learns the components of X [samples, features].
func (t *TruncatedSVD) Fit(X *tensor.Tensor) error {
	_, err := t.FitTransform(X)
	return err
}

// FitTransform fits on X and returns X·Componentsᵀ, float64 [samples, k].
func (t *TruncatedSVD) FitTransform(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := inputs.ReadDense("truncated svd", X)
	if err != nil {
		return nil, err
	}
	n, d := x.Dims()
	if err := t.check(n, d); err != nil {
		return nil, err
	}
	var vt *mat.Dense
	var s []float64
	if t.Algorithm == "arpack" {
		var u *mat.Dense
		if u, s, vt, err = thinSVD("truncated svd", x); err != nil {
			return nil, err
		}
		svdFlipU(u, vt)
		s, vt = s[:t.NComponents], mat.DenseCopyOf(vt.Slice(0, t.NComponents, 0, d))
	} else {
		r := tensor.NewGenerator(t.RandomState).Rand()
		if _, s, vt, err = randomizedSVD("truncated svd", x, t.NComponents, oversamples(t.NOversamples), t.NIter, r); err != nil {
			return nil, err
		}
	}
	z := mul(x, vt.T())
	ev := colVariances(z)
	total := 0.0
	for _, v := range colVariances(x) {
		total += v
	}
	ratio := make([]float64, len(ev))
	for i, v := range ev {
		ratio[i] = v / total
	}
	t.comp, t.NFeaturesIn = vt, d
	t.Components, t.SingularValues = toTensor(vt), vecTensor(s)
	t.ExplainedVariance, t.ExplainedVarianceRatio = vecTensor(ev), vecTensor(ratio)
	return toTensor(z), nil
}

// colVariances returns the population variance (ddof 0) of each column of m.
func colVariances(m *mat.Dense) []float64 {
	n, d := m.Dims()
	mu := colMeans(m)
	v := make([]float64, d)
	for i := range n {
		for j, x := range m.RawRowView(i) {
			v[j] += (x - mu[j]) * (x - mu[j])
		}
	}
	for j := range v {
		v[j] /= float64(n)
	}
	return v
}

// Transform returns X·Componentsᵀ, float64 [samples, k].
func (t *TruncatedSVD) Transform(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := inputs.ReadFittedDense("truncated svd: transform", X, t.NFeaturesIn)
	if err != nil {
		return nil, err
	}
	return toTensor(mul(x, t.comp.T())), nil
}

// InverseTransform returns Z·Components, float64 [samples, features].
func (t *TruncatedSVD) InverseTransform(Z *tensor.Tensor) (*tensor.Tensor, error) {
	if t.NFeaturesIn == 0 {
		return nil, fmt.Errorf("truncated svd: inverse transform: not fitted: call Fit first")
	}
	k, _ := t.comp.Dims()
	z, err := inputs.ReadFittedDense("truncated svd: inverse transform", Z, k)
	if err != nil {
		return nil, err
	}
	return toTensor(mul(z, t.comp)), nil
}
