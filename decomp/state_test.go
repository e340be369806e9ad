package decomp_test

import (
	"testing"

	"github.com/ember-ml/ember/decomp"
	"github.com/ember-ml/ember/internal/statetest"
	"github.com/ember-ml/ember/tensor"
)

// randX returns a random float64 matrix [n, d] with a low-rank structure, so that the
// decompositions have clear leading components.
func randX(n, d int, seed uint64) *tensor.Tensor {
	r := tensor.NewGenerator(seed).Rand()
	v := make([]float64, n*d)
	for i := range n {
		a, b := r.NormFloat64(), r.NormFloat64()
		for j := range d {
			v[i*d+j] = a*float64(j+1) + b*float64(d-j) + 0.1*r.NormFloat64() + float64(j)
		}
	}
	return tensor.FromSlice(v, n, d)
}

// transformer is what the decompositions share.
type transformer interface {
	statetest.Stater
	Transform(*tensor.Tensor) (*tensor.Tensor, error)
	InverseTransform(*tensor.Tensor) (*tensor.Tensor, error)
}

// checkSameTransforms compares Transform and InverseTransform of a and b on X.
func checkSameTransforms(t *testing.T, name string, a, b transformer, X *tensor.Tensor) {
	t.Helper()
	z1, e1 := a.Transform(X)
	z2, e2 := b.Transform(X)
	statetest.Same(t, name+" Transform", z1, z2, e1, e2)
	statetest.SameOn(t, name+" InverseTransform", z1, a.InverseTransform, b.InverseTransform)
}

func TestPCAState(t *testing.T) {
	X, Xt := randX(60, 5, 1), randX(20, 5, 2)
	for _, c := range []struct {
		solver string
		k      int
		whiten bool
	}{{"full", 0, false}, {"full", 2, true}, {"randomized", 2, false}} {
		p := decomp.NewPCA(c.k)
		p.SVDSolver, p.Whiten = c.solver, c.whiten
		if err := p.Fit(X); err != nil {
			t.Fatal(err)
		}
		var got decomp.PCA
		statetest.RoundTrip(t, p, &got)
		checkSameTransforms(t, c.solver, p, &got, Xt)
		statetest.Same(t, "ExplainedVarianceRatio", p.ExplainedVarianceRatio, got.ExplainedVarianceRatio, nil, nil)
		statetest.Corrupt(t, p, statetest.New[decomp.PCA],
			[]string{"components", "explained_variance", "explained_variance_ratio", "singular_values", "mean"},
			map[string]statetest.Mutation{
				"too many components": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return statetest.Replace(p, `"n_components_fitted":`, `"n_components_fitted":1`), a
				},
				"negative variance": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					a["explained_variance"] = a["explained_variance"].MulScalar(-1)
					return p, a
				},
				"no features": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return statetest.Replace(p, `"n_features_in":5`, `"n_features_in":0`), a
				},
			})
	}
}

func TestTruncatedSVDState(t *testing.T) {
	X, Xt := randX(40, 6, 3), randX(10, 6, 4)
	for _, alg := range []string{"randomized", "arpack"} {
		s := decomp.NewTruncatedSVD(3)
		s.Algorithm = alg
		if err := s.Fit(X); err != nil {
			t.Fatal(err)
		}
		var got decomp.TruncatedSVD
		statetest.RoundTrip(t, s, &got)
		checkSameTransforms(t, alg, s, &got, Xt)
		statetest.Corrupt(t, s, statetest.New[decomp.TruncatedSVD],
			[]string{"components", "explained_variance", "explained_variance_ratio", "singular_values"},
			map[string]statetest.Mutation{
				"bad algorithm": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return statetest.Replace(p, `"`+alg+`"`, `"lapack"`), a
				},
				"n_components mismatch": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return statetest.Replace(p, `"n_components":3`, `"n_components":2`), a
				},
			})
	}
}

func TestFastICAState(t *testing.T) {
	X, Xt := randX(80, 4, 5), randX(10, 4, 6)
	for _, alg := range []string{"parallel", "deflation"} {
		f := decomp.NewFastICA(2)
		f.Algorithm = alg
		if alg == "deflation" {
			f.WInit = tensor.FromSlice([]float64{1, 0.5, -0.5, 1}, 2, 2)
		}
		if err := f.Fit(X); err != nil {
			t.Fatal(err)
		}
		var got decomp.FastICA
		statetest.RoundTrip(t, f, &got)
		checkSameTransforms(t, alg, f, &got, Xt)
		statetest.Same(t, "Whitening", f.Whitening, got.Whitening, nil, nil)
		statetest.Corrupt(t, f, statetest.New[decomp.FastICA], []string{"components", "mixing", "mean", "whitening"},
			map[string]statetest.Mutation{
				"bad fun": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return statetest.Replace(p, `"logcosh"`, `"tanh"`), a
				},
				"more components than asked": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return statetest.Replace(p, `"n_components":2`, `"n_components":1`), a
				},
				"bad w_init": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					a["w_init"] = tensor.Zeros(3, 3)
					return p, a
				},
			})
	}
}

func TestKernelPCAState(t *testing.T) {
	X, Xt := randX(30, 3, 7), randX(10, 3, 8)
	for _, kernel := range []string{"linear", "rbf", "poly", "sigmoid"} {
		k := decomp.NewKernelPCA(3, kernel)
		if kernel != "linear" {
			k.Gamma = 0.05
		}
		if err := k.Fit(X); err != nil {
			t.Fatal(err)
		}
		var got decomp.KernelPCA
		statetest.RoundTrip(t, k, &got)
		statetest.SameOn(t, kernel+" Transform", Xt, k.Transform, got.Transform)
		statetest.Same(t, "EigenvectorsAlphas", k.EigenvectorsAlphas, got.EigenvectorsAlphas, nil, nil)
		statetest.Corrupt(t, k, statetest.New[decomp.KernelPCA],
			[]string{"eigenvalues_lambdas", "eigenvectors_alphas", "x_fit", "k_fit_rows"},
			map[string]statetest.Mutation{
				"bad kernel": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return statetest.Replace(p, `"`+kernel+`"`, `"cosine"`), a
				},
				"negative eigenvalue": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					a["eigenvalues_lambdas"] = a["eigenvalues_lambdas"].MulScalar(-1)
					return p, a
				},
				"fewer samples": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					a["x_fit"] = randX(29, 3, 9)
					return p, a
				},
			})
	}
	if _, _, err := decomp.NewKernelPCA(2, "rbf").MarshalState(); err == nil {
		t.Error("MarshalState before Fit: no error")
	}
}

// FuzzUnmarshalState feeds arbitrary params, with the arrays of a valid state, to every
// estimator: UnmarshalState must not panic, and an accepted state must transform without
// panicking.
func FuzzUnmarshalState(f *testing.F) {
	X := randX(30, 4, 11)
	seeds := statetest.Fit(f, X, decomp.NewPCA(2), decomp.NewTruncatedSVD(2), decomp.NewFastICA(2), decomp.NewKernelPCA(2, "rbf"))
	fresh := []func() statetest.Stater{statetest.New[decomp.PCA], statetest.New[decomp.TruncatedSVD],
		statetest.New[decomp.FastICA], statetest.New[decomp.KernelPCA]}
	statetest.FuzzParams(f, seeds, fresh, func(m statetest.Stater) {
		tr := m.(interface {
			Transform(*tensor.Tensor) (*tensor.Tensor, error)
		})
		z, err := tr.Transform(X)
		if inv, ok := m.(transformer); ok && err == nil {
			_, _ = inv.InverseTransform(z)
		}
	})
}
