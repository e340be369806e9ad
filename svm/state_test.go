package svm

import (
	"maps"
	"math"
	"testing"

	"github.com/ember-ml/ember/internal/statetest"
	"github.com/ember-ml/ember/tensor"
)

func threeClass(n int) (*tensor.Tensor, *tensor.Tensor) {
	X, y := classifData(n, 5, 7)
	x := X.Float64s()
	lab := y.Int64s()
	for i := range lab {
		if x[i*5+3] > 0.7 {
			lab[i] = 2
		}
	}
	return X, tensor.FromSlice(lab, n)
}

// TestStateRoundTrip restores every estimator type from MarshalState into a zero value and
// checks bit-identical Predict, DecisionFunction, PredictProba and Score.
func TestStateRoundTrip(t *testing.T) {
	Xb, yb := classifData(150, 5, 5)
	X3, y3 := threeClass(150)
	xv := Xb.Float64s()
	tr := make([]float64, 150)
	for i := range tr {
		tr[i] = xv[i*5] + 2*xv[i*5+1] - xv[i*5+2]
	}
	yr := tensor.FromSlice(tr, 150)
	svc := func(prob bool, kernel string) *SVC {
		m := NewSVC()
		m.Probability, m.Kernel, m.Coef0 = prob, kernel, 0.5
		return m
	}
	cases := []struct {
		name string
		m    statetest.Stater
		X, y *tensor.Tensor
		zero func() statetest.Stater
	}{
		{"svc binary", svc(false, "rbf"), Xb, yb, func() statetest.Stater { return &SVC{} }},
		{"svc three proba", svc(true, "poly"), X3, y3, func() statetest.Stater { return &SVC{} }},
		{"svc binary proba sigmoid", svc(true, "sigmoid"), Xb, yb, func() statetest.Stater { return NewSVC() }},
		{"svr", NewSVR(), Xb, yr, func() statetest.Stater { return &SVR{} }},
		{"linearsvc binary", NewLinearSVC(), Xb, yb, func() statetest.Stater { return &LinearSVC{} }},
		{"linearsvc three", NewLinearSVC(), X3, y3, func() statetest.Stater { return NewLinearSVC() }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, _, err := c.zero().MarshalState(); err == nil {
				t.Fatal("MarshalState before Fit succeeded")
			}
			f := c.m.(interface {
				Fit(X, y *tensor.Tensor) error
			})
			if err := f.Fit(c.X, c.y); err != nil {
				t.Fatal(err)
			}
			got := c.zero()
			statetest.RoundTrip(t, c.m, got)
			type predictor interface {
				Predict(*tensor.Tensor) (*tensor.Tensor, error)
				Score(X, y *tensor.Tensor) (float64, error)
			}
			a, b := c.m.(predictor), got.(predictor)
			statetest.SameOn(t, "predict", c.X, a.Predict, b.Predict)
			sa, ea := a.Score(c.X, c.y)
			sb, eb := b.Score(c.X, c.y)
			if ea != nil || eb != nil || math.Float64bits(sa) != math.Float64bits(sb) {
				t.Fatalf("score %v vs %v (%v, %v)", sa, sb, ea, eb)
			}
			if a, ok := c.m.(interface {
				DecisionFunction(*tensor.Tensor) (*tensor.Tensor, error)
			}); ok {
				b := got.(interface {
					DecisionFunction(*tensor.Tensor) (*tensor.Tensor, error)
				})
				statetest.SameOn(t, "decision", c.X, a.DecisionFunction, b.DecisionFunction)
			}
			if a, ok := c.m.(*SVC); ok && a.Probability {
				b := got.(*SVC)
				statetest.SameOn(t, "proba", c.X, a.PredictProba, b.PredictProba)
			}
		})
	}
}

// TestStateCorrupt checks that damaged state is an error, never a panic.
func TestStateCorrupt(t *testing.T) {
	X3, y3 := threeClass(120)
	svc := NewSVC()
	svc.Probability = true
	if err := svc.Fit(X3, y3); err != nil {
		t.Fatal(err)
	}
	svr := NewSVR()
	Xb, yb := classifData(100, 5, 5)
	if err := svr.Fit(Xb, tensor.FromSlice(Xb.Float64s()[:100], 100)); err != nil {
		t.Fatal(err)
	}
	lin := NewLinearSVC()
	if err := lin.Fit(Xb, yb); err != nil {
		t.Fatal(err)
	}
	f64 := func(v []float64, shape ...int) *tensor.Tensor { return tensor.FromSlice(v, shape...) }
	i64 := func(v []int64, shape ...int) *tensor.Tensor { return tensor.FromSlice(v, shape...) }
	type edit struct {
		name   string
		params func(string) string
		arrays func(map[string]*tensor.Tensor)
	}
	replace := func(old, new string) func(string) string {
		return func(s string) string {
			out := ""
			for i := 0; i < len(s); {
				if len(s)-i >= len(old) && s[i:i+len(old)] == old {
					out += new
					i += len(old)
					continue
				}
				out += s[i : i+1]
				i++
			}
			return out
		}
	}
	run := func(t *testing.T, m statetest.Stater, zero func() statetest.Stater, edits []edit) {
		params, arrays, err := m.MarshalState()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range edits {
			p := string(params)
			a := maps.Clone(arrays)
			if e.params != nil {
				p = e.params(p)
			}
			if e.arrays != nil {
				e.arrays(a)
			}
			if err := zero().UnmarshalState([]byte(p), a); err == nil {
				t.Errorf("%s: UnmarshalState succeeded", e.name)
			}
		}
	}
	nSV := svc.Support.Size(0)
	t.Run("svc", func(t *testing.T) {
		run(t, svc, func() statetest.Stater { return &SVC{} }, []edit{
			{"bad json", func(string) string { return "{" }, nil},
			{"unknown field", replace(`"Probability"`, `"Probabilty"`), nil},
			{"kernel", replace(`"Kernel":"rbf"`, `"Kernel":"cubic"`), nil},
			{"gamma", replace(`"FitGamma":`, `"FitGamma":-`), nil},
			{"features", replace(`"NFeaturesIn":5`, `"NFeaturesIn":6`), nil},
			{"tol", replace(`"Tol":0.001`, `"Tol":0`), nil},
			{"gamma setting", replace(`"Gamma":"scale"`, `"Gamma":"big"`), nil},
			{"missing", nil, func(a map[string]*tensor.Tensor) { delete(a, "dual_coef") }},
			{"missing prob", nil, func(a map[string]*tensor.Tensor) { delete(a, "prob_b") }},
			{"missing n_iter", nil, func(a map[string]*tensor.Tensor) { delete(a, "n_iter") }},
			{"n_iter negative", nil, func(a map[string]*tensor.Tensor) { a["n_iter"] = i64([]int64{1, -1, 1}, 3) }},
			{"dtype", nil, func(a map[string]*tensor.Tensor) { a["support"] = f64(make([]float64, nSV), nSV) }},
			{"shape", nil, func(a map[string]*tensor.Tensor) { a["dual_coef"] = f64(make([]float64, nSV), 1, nSV) }},
			{"n_support sum", nil, func(a map[string]*tensor.Tensor) { a["n_support"] = i64([]int64{1, 1, 1}, 3) }},
			{"n_support negative", nil, func(a map[string]*tensor.Tensor) { a["n_support"] = i64([]int64{-1, 1, int64(nSV)}, 3) }},
			{"support index", nil, func(a map[string]*tensor.Tensor) {
				s := svc.Support.Int64s()
				s[0] = -3
				a["support"] = i64(s, nSV)
			}},
			{"classes unsorted", nil, func(a map[string]*tensor.Tensor) { a["classes"] = i64([]int64{2, 1, 0}, 3) }},
			{"one class", nil, func(a map[string]*tensor.Tensor) { a["classes"] = i64([]int64{0}, 1) }},
			{"nan", nil, func(a map[string]*tensor.Tensor) { a["intercept"] = f64([]float64{0, math.NaN(), 0}, 3) }},
			{"nil", nil, func(a map[string]*tensor.Tensor) { a["support_vectors"] = nil }},
		})
	})
	t.Run("svr", func(t *testing.T) {
		n := svr.Support.Size(0)
		run(t, svr, func() statetest.Stater { return NewSVR() }, []edit{
			{"bad json", func(string) string { return "[]" }, nil},
			{"epsilon", replace(`"Epsilon":0.1`, `"Epsilon":-1`), nil},
			{"C", replace(`"C":1`, `"C":0`), nil},
			{"missing", nil, func(a map[string]*tensor.Tensor) { delete(a, "intercept") }},
			{"shape", nil, func(a map[string]*tensor.Tensor) { a["dual_coef"] = f64(make([]float64, n+1), 1, n+1) }},
			{"sv shape", nil, func(a map[string]*tensor.Tensor) { a["support_vectors"] = f64(make([]float64, n*3), n, 3) }},
			{"inf", nil, func(a map[string]*tensor.Tensor) { a["intercept"] = f64([]float64{math.Inf(1)}, 1) }},
		})
	})
	t.Run("linearsvc", func(t *testing.T) {
		run(t, lin, func() statetest.Stater { return &LinearSVC{} }, []edit{
			{"trailing", func(s string) string { return s + "{}" }, nil},
			{"loss", replace(`"Loss":"squared_hinge"`, `"Loss":"log"`), nil},
			{"C", replace(`"C":1`, `"C":-1`), nil},
			{"coef shape", nil, func(a map[string]*tensor.Tensor) { a["coef"] = f64(make([]float64, 10), 2, 5) }},
			{"intercept dtype", nil, func(a map[string]*tensor.Tensor) { a["intercept"] = i64([]int64{0}, 1) }},
			{"classes dup", nil, func(a map[string]*tensor.Tensor) { a["classes"] = i64([]int64{1, 1}, 2) }},
			{"classes 2-D", nil, func(a map[string]*tensor.Tensor) { a["classes"] = i64([]int64{0, 1}, 1, 2) }},
			{"missing", nil, func(a map[string]*tensor.Tensor) { delete(a, "coef") }},
		})
	})
}
