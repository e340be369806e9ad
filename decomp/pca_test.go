package decomp_test

import (
	"math"
	"strings"
	"testing"

	"github.com/ember-ml/ember/decomp"
	"github.com/ember-ml/ember/tensor"
)

func newPCA(c pcaCase) *decomp.PCA {
	p := decomp.NewPCA(0)
	if n := c.Params.NComponents; n != nil {
		if *n < 1 {
			p.NComponentsFraction = *n
		} else {
			p.NComponents = int(*n)
		}
	}
	if c.Params.SVDSolver != "" {
		p.SVDSolver = c.Params.SVDSolver
	}
	p.Whiten = c.Params.Whiten
	return p
}

// TestPCAGolden compares with scikit-learn 1.2's PCA: exact for the full solver,
// up to sign for the randomized one (its random sketch is NumPy's).
func TestPCAGolden(t *testing.T) {
	g := load(t)
	for _, c := range g.PCA {
		t.Run(c.Name, func(t *testing.T) {
			p := newPCA(c)
			Z, err := p.FitTransform(tensor.FromRows(g.Datasets[c.Data]))
			if err != nil {
				t.Fatal(err)
			}
			if p.NComponentsFitted != c.NComponents {
				t.Fatalf("NComponentsFitted = %d, want %d", p.NComponentsFitted, c.NComponents)
			}
			const tol = 1e-5
			exact := c.Solver == "full"
			check := func(what string, got, want [][]float64, byRow bool) {
				t.Helper()
				var err error
				if exact {
					err = closeMat(got, want, tol)
				} else {
					err = closeUpToSign(got, want, tol, byRow)
				}
				if err != nil {
					t.Errorf("%s: %v", what, err)
				}
			}
			check("components", rows(p.Components), c.Components, true)
			for what, pair := range map[string][2][]float64{
				"explained variance": {vec(p.ExplainedVariance), c.ExplainedVariance},
				"ratio":              {vec(p.ExplainedVarianceRatio), c.ExplainedVarianceRatio},
				"singular values":    {vec(p.SingularValues), c.SingularValues},
				"mean":               {vec(p.Mean), c.Mean},
				"noise variance":     {{p.NoiseVariance}, {c.NoiseVariance}},
			} {
				if err := closeVec(pair[0], pair[1], tol); err != nil {
					t.Errorf("%s: %v", what, err)
				}
			}
			check("fit transform", rows(Z)[:len(c.FitTransformHead)], c.FitTransformHead, false)
			got, err := p.Transform(tensor.FromRows(c.XNew))
			if err != nil {
				t.Fatal(err)
			}
			check("transform", rows(got), c.Transform, false)
			back, err := p.InverseTransform(tensor.FromRows(c.FitTransformHead[:3]))
			if err != nil {
				t.Fatal(err)
			}
			if exact {
				if err := closeMat(rows(back), c.InverseTransform, tol); err != nil {
					t.Errorf("inverse transform: %v", err)
				}
			}
		})
	}
}

// TestPCARoundTrip: keeping every component, InverseTransform(Transform(X)) is X.
func TestPCARoundTrip(t *testing.T) {
	X := tensor.FromRows([][]float64{{1, 2, 3}, {4, 0, 1}, {2, 2, 2}, {0, 5, 1}, {3, 1, 4}})
	for _, whiten := range []bool{false, true} {
		p := decomp.NewPCA(0)
		p.Whiten = whiten
		Z, err := p.FitTransform(X)
		if err != nil {
			t.Fatal(err)
		}
		back, err := p.InverseTransform(Z)
		if err != nil {
			t.Fatal(err)
		}
		if err := closeMat(rows(back), rows(X), 1e-12); err != nil {
			t.Errorf("whiten=%v: %v", whiten, err)
		}
	}
}

func TestPCAErrors(t *testing.T) {
	X := tensor.FromRows([][]float64{{1, 2}, {3, 4}, {5, 7}})
	constant := tensor.FromRows([][]float64{{1, 2}, {1, 3}, {1, 5}})
	cases := []struct {
		name string
		pca  *decomp.PCA
		X    *tensor.Tensor
		want string
	}{
		{"nil", decomp.NewPCA(1), nil, "nil"},
		{"1-D", decomp.NewPCA(1), tensor.FromSlice([]float64{1, 2, 3}), "2-D"},
		{"NaN", decomp.NewPCA(1), tensor.FromRows([][]float64{{1, math.NaN()}, {2, 3}}), "NaN"},
		{"too many", decomp.NewPCA(3), X, "between 0 and"},
		{"negative", decomp.NewPCA(-1), X, "≥ 0"},
		{"fraction", &decomp.PCA{NComponentsFraction: 1.5, SVDSolver: "full", NOversamples: 10}, X, "(0, 1)"},
		{"fraction randomized", &decomp.PCA{NComponentsFraction: 0.5, SVDSolver: "randomized", NOversamples: 10}, X, "full"},
		{"solver", &decomp.PCA{SVDSolver: "arpack", NOversamples: 10}, X, "SVDSolver"},
		{"one sample", decomp.NewPCA(1), tensor.FromRows([][]float64{{1, 2}}), "2 samples"},
		{"whiten constant", &decomp.PCA{Whiten: true, SVDSolver: "full", NOversamples: 10}, constant, "whiten"},
	}
	for _, c := range cases {
		err := c.pca.Fit(c.X)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want one containing %q", c.name, err, c.want)
		}
	}
	p := decomp.NewPCA(1)
	if _, err := p.Transform(X); err == nil || !strings.Contains(err.Error(), "not fitted") {
		t.Errorf("Transform before Fit: err = %v", err)
	}
	if _, err := p.InverseTransform(X); err == nil || !strings.Contains(err.Error(), "not fitted") {
		t.Errorf("InverseTransform before Fit: err = %v", err)
	}
	if err := p.Fit(X); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Transform(tensor.FromRows([][]float64{{1, 2, 3}})); err == nil {
		t.Error("Transform with 3 features after fitting 2: no error")
	}
	if _, err := p.InverseTransform(X); err == nil {
		t.Error("InverseTransform of 2 columns with 1 component: no error")
	}
}

// TestPCAInputUnchanged: Fit and Transform never modify the caller's tensor.
func TestPCAInputUnchanged(t *testing.T) {
	X := tensor.FromRows([][]float64{{1, 2}, {3, 4}, {5, 7}})
	before := X.Float64s()
	p := decomp.NewPCA(1)
	if _, err := p.FitTransform(X); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Transform(X); err != nil {
		t.Fatal(err)
	}
	if err := closeVec(X.Float64s(), before, 0); err != nil {
		t.Error(err)
	}
}

// TestPCARandomizedMatchesFull: the randomized solver agrees with the exact one up to
// sign, with a sketch wider than the data (identity range), with few power iterations
// (no normalizer) and with many (LU normalizer), on tall and wide data.
func TestPCARandomizedMatchesFull(t *testing.T) {
	g := load(t)
	for _, c := range []struct {
		data       string
		k, iters   int
		oversample int
	}{
		{"small", 5, -1, 10}, {"wide", 7, 4, 10}, {"big", 5, 2, 20}, {"big", 4, 6, 5}, {"wider", 4, 1, 30},
	} {
		X := tensor.FromRows(g.Datasets[c.data])
		full := decomp.NewPCA(c.k)
		full.SVDSolver = "full"
		rnd := decomp.NewPCA(c.k)
		rnd.SVDSolver, rnd.IteratedPower, rnd.NOversamples, rnd.RandomState = "randomized", c.iters, c.oversample, 7
		if err := full.Fit(X); err != nil {
			t.Fatal(err)
		}
		if err := rnd.Fit(X); err != nil {
			t.Fatal(err)
		}
		if err := closeUpToSign(rows(rnd.Components), rows(full.Components), 1e-6, true); err != nil {
			t.Errorf("%s k=%d iters=%d: components: %v", c.data, c.k, c.iters, err)
		}
		if err := closeVec(vec(rnd.SingularValues), vec(full.SingularValues), 1e-8); err != nil {
			t.Errorf("%s k=%d iters=%d: singular values: %v", c.data, c.k, c.iters, err)
		}
	}
}
