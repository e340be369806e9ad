package svm

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

// moreGolden is testdata/golden/svm_more.json (gen_svm_more.py, scikit-learn 1.2.1).
type moreGolden struct {
	SVR map[string]struct {
		Params struct {
			kernelParams
			Epsilon float64
		}
		X, Y, Support, Intercept, Predict tensortest.Array
		DualCoef                          tensortest.Array `json:"dual_coef"`
	}
	LinearSVC map[string]struct {
		Params struct {
			C                float64
			Loss             string
			FitIntercept     *bool    `json:"fit_intercept"`
			InterceptScaling *float64 `json:"intercept_scaling"`
		}
		X, Y, Coef, Intercept, Decision, Predict tensortest.Array
	}
	Proba map[string]struct {
		X, Y, Proba tensortest.Array
	}
	Sigmoid map[string]struct {
		Dec, Labels tensortest.Array
		A, B        float64
		SklearnA    float64 `json:"sklearn_a"`
		SklearnB    float64 `json:"sklearn_b"`
	}
}

func loadMore(t *testing.T) moreGolden {
	t.Helper()
	var g moreGolden
	if err := tensortest.LoadJSON("../testdata/golden/svm_more.json", &g); err != nil {
		t.Fatal(err)
	}
	return g
}

// within reports |a−b| ≤ rel·|b| or ≤ abs.
func within(a, b, rel, abs float64) bool {
	return math.Abs(a-b) <= max(rel*math.Abs(b), abs)
}

func checkClose(t *testing.T, what string, got []float64, want tensortest.Array, rel, abs float64) {
	t.Helper()
	w := want.MustTensor().Float64s()
	if len(got) != len(w) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(w))
	}
	for i := range w {
		if !within(got[i], w[i], rel, abs) {
			t.Fatalf("%s[%d]: got %.10g want %.10g", what, i, got[i], w[i])
		}
	}
}

func checkExact(t *testing.T, what string, got []float64, want tensortest.Array) {
	t.Helper()
	w := want.MustTensor().Float64s()
	if len(got) != len(w) {
		t.Fatalf("%s: got %v want %v", what, got, w)
	}
	for i := range w {
		if got[i] != w[i] {
			t.Fatalf("%s: got %v want %v", what, got, w)
		}
	}
}

// TestSVRGolden compares SVR with scikit-learn (tol 1e-6 on both sides): identical support
// indices; dual coefficients, intercept and predictions within 1e-3 relative or 1e-6.
func TestSVRGolden(t *testing.T) {
	g := loadMore(t)
	if len(g.SVR) == 0 {
		t.Fatal("no golden cases")
	}
	for name, c := range g.SVR {
		t.Run(name, func(t *testing.T) {
			m := NewSVR()
			c.Params.set(&m.Kernel, &m.C, &m.Gamma, &m.Degree, &m.Coef0)
			m.Epsilon, m.Tol = c.Params.Epsilon, 1e-6
			X, y := c.X.MustTensor(), c.Y.MustTensor()
			if err := m.Fit(X, y); err != nil {
				t.Fatal(err)
			}
			checkExact(t, "support", m.Support.Float64s(), c.Support)
			checkClose(t, "dual_coef", m.DualCoef.Float64s(), c.DualCoef, 1e-3, 1e-6)
			checkClose(t, "intercept", m.Intercept.Float64s(), c.Intercept, 1e-3, 1e-6)
			p, err := m.Predict(X)
			if err != nil {
				t.Fatal(err)
			}
			checkClose(t, "predict", p.Float64s(), c.Predict, 1e-3, 1e-6)
			if s, err := m.Score(X, y); err != nil || !(s > 0.5) {
				t.Fatalf("Score = %g, %v", s, err)
			}
		})
	}
}

// TestLinearSVCGolden compares LinearSVC with scikit-learn's liblinear, both converged
// tightly (tol 1e-8): coefficients, intercepts and decision values within 1e-3 relative
// (1e-5 absolute for values near zero), identical predictions.
func TestLinearSVCGolden(t *testing.T) {
	g := loadMore(t)
	if len(g.LinearSVC) == 0 {
		t.Fatal("no golden cases")
	}
	for name, c := range g.LinearSVC {
		t.Run(name, func(t *testing.T) {
			m := NewLinearSVC()
			m.C, m.Tol, m.MaxIter = c.Params.C, 1e-8, 100000
			if c.Params.Loss != "" {
				m.Loss = c.Params.Loss
			}
			if c.Params.FitIntercept != nil {
				m.FitIntercept = *c.Params.FitIntercept
			}
			if c.Params.InterceptScaling != nil {
				m.InterceptScaling = *c.Params.InterceptScaling
			}
			X, y := c.X.MustTensor(), c.Y.MustTensor()
			if err := m.Fit(X, y); err != nil {
				t.Fatal(err)
			}
			checkClose(t, "coef", m.Coef.Float64s(), c.Coef, 1e-3, 1e-5)
			checkClose(t, "intercept", m.Intercept.Float64s(), c.Intercept, 1e-3, 1e-5)
			d, err := m.DecisionFunction(X)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := d.Shape(), c.Decision.MustTensor().Shape(); !slices.Equal(got, want) {
				t.Fatalf("decision shape %v, want %v", got, want)
			}
			checkClose(t, "decision", d.Float64s(), c.Decision, 1e-3, 1e-4)
			p, err := m.Predict(X)
			if err != nil {
				t.Fatal(err)
			}
			checkExact(t, "predict", p.Float64s(), c.Predict)
		})
	}
}

// TestSigmoidTrain checks Platt's fit against libsvm's sigmoid_train transcribed in the
// generator (1e-9) and against scikit-learn's BFGS fit of the same objective (1e-4).
func TestSigmoidTrain(t *testing.T) {
	g := loadMore(t)
	for name, c := range g.Sigmoid {
		A, B := sigmoidTrain(c.Dec.MustTensor().Float64s(), c.Labels.MustTensor().Float64s())
		if !within(A, c.A, 1e-9, 1e-12) || !within(B, c.B, 1e-9, 1e-12) {
			t.Errorf("%s: A, B = %.12g, %.12g, libsvm %.12g, %.12g", name, A, B, c.A, c.B)
		}
		if !within(A, c.SklearnA, 1e-4, 1e-6) || !within(B, c.SklearnB, 1e-4, 1e-6) {
			t.Errorf("%s: A, B = %.8g, %.8g, sklearn BFGS %.8g, %.8g", name, A, B, c.SklearnA, c.SklearnB)
		}
	}
}

// TestMulticlassProbability checks the coupling on consistent pairwise probabilities: when
// r[i][j] = p_i/(p_i+p_j) exactly, method 2 recovers p.
func TestMulticlassProbability(t *testing.T) {
	p := []float64{0.5, 0.3, 0.2}
	r := make([][]float64, 3)
	for i := range r {
		r[i] = make([]float64, 3)
		for j := range r[i] {
			if i != j {
				r[i][j] = p[i] / (p[i] + p[j])
			}
		}
	}
	got := make([]float64, 3)
	multiclassProbability(r, got)
	for i := range p {
		if math.Abs(got[i]-p[i]) > 1e-3 {
			t.Fatalf("got %v want %v", got, p)
		}
	}
}

// TestSVCProbability compares PredictProba with scikit-learn's on well-separated blobs:
// rows sum to 1 and agree within 0.05 (the CV folds differ, so exact parity is impossible).
func TestSVCProbability(t *testing.T) {
	g := loadMore(t)
	for name, c := range g.Proba {
		t.Run(name, func(t *testing.T) {
			m := NewSVC()
			m.Probability = true
			X := c.X.MustTensor()
			if err := m.Fit(X, c.Y.MustTensor()); err != nil {
				t.Fatal(err)
			}
			p, err := m.PredictProba(X)
			if err != nil {
				t.Fatal(err)
			}
			got, want := p.Float64s(), c.Proba.MustTensor().Float64s()
			nc := p.Size(1)
			if len(got) != len(want) || m.ProbA.Size(0) != nc*(nc-1)/2 {
				t.Fatalf("shape %v, want %v", p.Shape(), c.Proba.MustTensor().Shape())
			}
			for r := 0; r < p.Size(0); r++ {
				var sum float64
				for k := range nc {
					sum += got[r*nc+k]
					if math.Abs(got[r*nc+k]-want[r*nc+k]) > 0.05 {
						t.Fatalf("row %d: got %v want %v", r, got[r*nc:(r+1)*nc], want[r*nc:(r+1)*nc])
					}
				}
				if math.Abs(sum-1) > 1e-9 {
					t.Fatalf("row %d sums to %g", r, sum)
				}
			}
		})
	}
	// Without Probability, PredictProba is an error.
	m := NewSVC()
	c := g.Proba["binary"]
	if err := m.Fit(c.X.MustTensor(), c.Y.MustTensor()); err != nil {
		t.Fatal(err)
	}
	if _, err := m.PredictProba(c.X.MustTensor()); err == nil || !strings.Contains(err.Error(), "Probability") {
		t.Fatalf("PredictProba without Probability: %v", err)
	}
}

// TestShrinkingSameSolution fits with and without shrinking: the same support and
// decision values within Tol-sized differences.
func TestShrinkingSameSolution(t *testing.T) {
	X, y := classifData(600, 5, 3)
	var dec [2][]float64
	var nsv [2]int
	for k, shrink := range []bool{true, false} {
		m := NewSVC()
		m.Shrinking, m.Tol = shrink, 1e-5
		if err := m.Fit(X, y); err != nil {
			t.Fatal(err)
		}
		d, err := m.DecisionFunction(X)
		if err != nil {
			t.Fatal(err)
		}
		dec[k], nsv[k] = d.Float64s(), m.Support.Size(0)
	}
	if nsv[0] != nsv[1] {
		t.Fatalf("support vectors: %d with shrinking, %d without", nsv[0], nsv[1])
	}
	for i := range dec[0] {
		if math.Abs(dec[0][i]-dec[1][i]) > 1e-3 {
			t.Fatalf("decision[%d]: %g with shrinking, %g without", i, dec[0][i], dec[1][i])
		}
	}
}

// TestSmallCache forces evictions and row drops: the solution must not change.
func TestSmallCache(t *testing.T) {
	X, y := classifData(800, 5, 4)
	var sup [2][]int64
	for k, mb := range []float64{200, 0.01} {
		m := NewSVC()
		m.CacheSize = mb
		if err := m.Fit(X, y); err != nil {
			t.Fatal(err)
		}
		sup[k] = m.Support.Int64s()
	}
	if len(sup[0]) != len(sup[1]) {
		t.Fatalf("support: %d vs %d", len(sup[0]), len(sup[1]))
	}
}

func TestSVRAndLinearSVCErrors(t *testing.T) {
	X := tensor.FromSlice([]float64{0, 0, 1, 1, 2, 2, 3, 3}, 4, 2)
	yr := tensor.FromSlice([]float64{0, 1, 2, 3}, 4)
	yc := tensor.FromSlice([]int64{0, 0, 1, 1}, 4)
	if _, err := NewSVR().Predict(X); err == nil || !strings.Contains(err.Error(), "before Fit") {
		t.Fatalf("SVR Predict before Fit: %v", err)
	}
	if _, err := NewLinearSVC().Predict(X); err == nil || !strings.Contains(err.Error(), "before Fit") {
		t.Fatalf("LinearSVC Predict before Fit: %v", err)
	}
	nanX := tensor.FromSlice([]float64{0, math.NaN(), 1, 1, 2, 2, 3, 3}, 4, 2)
	svr := []struct {
		name, want string
		set        func(*SVR)
		X, y       *tensor.Tensor
	}{
		{"C", "C must be > 0", func(m *SVR) { m.C = -1 }, X, yr},
		{"epsilon", "Epsilon must be ≥ 0", func(m *SVR) { m.Epsilon = -0.1 }, X, yr},
		{"nan X", "NaN", nil, nanX, yr},
		{"nan y", "NaN", nil, X, tensor.FromSlice([]float64{0, math.NaN(), 1, 2}, 4)},
		{"y length", "y has 2 values but X has 4 samples", nil, X, tensor.FromSlice([]float64{1, 2}, 2)},
		{"kernel", "unknown kernel", func(m *SVR) { m.Kernel = "cubic" }, X, yr},
		{"gamma", "Gamma", func(m *SVR) { m.Gamma = "0" }, X, yr},
	}
	for _, b := range svr {
		m := NewSVR()
		if b.set != nil {
			b.set(m)
		}
		if err := m.Fit(b.X, b.y); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("SVR %s: %v, want an error containing %q", b.name, err, b.want)
		}
	}
	lin := []struct {
		name, want string
		set        func(*LinearSVC)
		X, y       *tensor.Tensor
	}{
		{"C", "C must be > 0", func(m *LinearSVC) { m.C = 0 }, X, yc},
		{"loss", "Loss", func(m *LinearSVC) { m.Loss = "log" }, X, yc},
		{"one class", "at least 2 classes", nil, X, tensor.FromSlice([]int64{1, 1, 1, 1}, 4)},
		{"nan", "NaN", nil, nanX, yc},
		{"y length", "y must be 1-D with 4", nil, X, tensor.FromSlice([]int64{0, 1}, 2)},
		{"labels", "integers", nil, X, tensor.FromSlice([]float64{0, 0.5, 1, 1}, 4)},
	}
	for _, b := range lin {
		m := NewLinearSVC()
		if b.set != nil {
			b.set(m)
		}
		if err := m.Fit(b.X, b.y); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("LinearSVC %s: %v, want an error containing %q", b.name, err, b.want)
		}
	}
	r, l := NewSVR(), NewLinearSVC()
	if err := r.Fit(X, yr); err != nil {
		t.Fatal(err)
	}
	if err := l.Fit(X, yc); err != nil {
		t.Fatal(err)
	}
	X3 := tensor.FromSlice([]float64{1, 2, 3}, 1, 3)
	if _, err := r.Predict(X3); err == nil || !strings.Contains(err.Error(), "features") {
		t.Fatalf("SVR feature count: %v", err)
	}
	if _, err := l.Predict(X3); err == nil || !strings.Contains(err.Error(), "features") {
		t.Fatalf("LinearSVC feature count: %v", err)
	}
}
