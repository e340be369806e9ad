package ensemble_test

import (
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ember-ml/ember/ensemble"
	"github.com/ember-ml/ember/internal/statetest"
	"github.com/ember-ml/ember/tensor"
)

// stateData returns 300 samples of 4 features (with NaN when nan) and 3-class labels (or
// a regression target).
func stateData(classes int, nan bool) (X, y *tensor.Tensor) {
	r := rand.New(rand.NewPCG(3, 4))
	const n, d = 300, 4
	x := make([]float64, n*d)
	t := make([]float64, n)
	for i := range n {
		for j := range d {
			x[i*d+j] = r.NormFloat64()
		}
		t[i] = x[i*d] + x[i*d+1]*x[i*d+2] + 0.3*r.NormFloat64()
		if classes > 0 {
			t[i] = float64(min(classes-1, max(0, int(t[i]+float64(classes)/2))))
		}
		if nan && i%7 == 0 {
			x[i*d+3] = math.NaN()
		}
	}
	return tensor.FromSlice(x, n, d), tensor.FromSlice(t, n)
}

// stateCases are fitted estimators of each type with a fresh zero value to load into.
func stateCases(t *testing.T) []struct {
	name        string
	fit, loaded statetest.Supervised
	X, y        *tensor.Tensor
} {
	type c = struct {
		name        string
		fit, loaded statetest.Supervised
		X, y        *tensor.Tensor
	}
	X3, y3 := stateData(3, false)
	Xr, yr := stateData(0, false)
	X2n, y2n := stateData(2, true)
	Xrn, yrn := stateData(0, true)
	rfc := ensemble.NewRandomForestClassifier()
	rfc.NEstimators, rfc.OOBScore, rfc.MaxDepth = 20, true, 6
	rfr := ensemble.NewRandomForestRegressor()
	rfr.NEstimators, rfr.OOBScore, rfr.NJobs = 20, true, 2
	hgc := ensemble.NewHistGradientBoostingClassifier()
	hgc.MaxIter = 20
	hgc3 := ensemble.NewHistGradientBoostingClassifier()
	hgc3.MaxIter, hgc3.EarlyStopping = 30, "on"
	hgr := ensemble.NewHistGradientBoostingRegressor()
	hgr.MaxIter = 20
	cases := []c{
		{"DecisionTreeClassifier", ensemble.NewDecisionTreeClassifier(), new(ensemble.DecisionTreeClassifier), X3, y3},
		{"DecisionTreeRegressor", ensemble.NewDecisionTreeRegressor(), new(ensemble.DecisionTreeRegressor), Xr, yr},
		{"RandomForestClassifier", rfc, ensemble.NewRandomForestClassifier(), X3, y3.To(tensor.Int64)},
		{"RandomForestRegressor", rfr, new(ensemble.RandomForestRegressor), Xr, yr},
		{"HistGradientBoostingClassifier/2", hgc, new(ensemble.HistGradientBoostingClassifier), X2n, y2n},
		{"HistGradientBoostingClassifier/3", hgc3, new(ensemble.HistGradientBoostingClassifier), X3, y3},
		{"HistGradientBoostingRegressor", hgr, ensemble.NewHistGradientBoostingRegressor(), Xrn, yrn},
	}
	for _, c := range cases {
		if err := c.fit.Fit(c.X, c.y); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
	}
	return cases
}

// outputs returns everything an estimator computes on X, y, as float64 slices by name.
func outputs(t *testing.T, m statetest.Supervised, X, y *tensor.Tensor) map[string][]float64 {
	t.Helper()
	out := map[string][]float64{}
	p, err := m.Predict(X)
	if err != nil {
		t.Fatal(err)
	}
	out["predict"] = p.Float64s()
	s, err := m.Score(X, y)
	if err != nil {
		t.Fatal(err)
	}
	out["score"] = []float64{s}
	if pp, ok := m.(interface {
		PredictProba(*tensor.Tensor) (*tensor.Tensor, error)
	}); ok {
		p, err := pp.PredictProba(X)
		if err != nil {
			t.Fatal(err)
		}
		out["proba"] = p.Float64s()
	}
	if a, ok := m.(interface {
		Apply(*tensor.Tensor) (*tensor.Tensor, error)
	}); ok {
		p, err := a.Apply(X)
		if err != nil {
			t.Fatal(err)
		}
		out["apply"] = p.Float64s()
	}
	return out
}

// TestStateRoundTrip saves and restores every estimator type: predictions, probabilities,
// leaves, scores and the exported fitted fields are bit-identical, and saving again gives
// the same state.
func TestStateRoundTrip(t *testing.T) {
	for _, c := range stateCases(t) {
		statetest.RoundTrip(t, c.fit, c.loaded)
		want, got := outputs(t, c.fit, c.X, c.y), outputs(t, c.loaded, c.X, c.y)
		for k, w := range want {
			if !slices.Equal(got[k], w) {
				t.Errorf("%s: %s differs after loading", c.name, k)
			}
		}
		switch m := c.loaded.(type) {
		case *ensemble.DecisionTreeClassifier:
			f := c.fit.(*ensemble.DecisionTreeClassifier)
			if !slices.Equal(m.Nodes(), f.Nodes()) || m.TreeDepth() != f.TreeDepth() ||
				!slices.Equal(m.FeatureImportances.Float64s(), f.FeatureImportances.Float64s()) {
				t.Errorf("%s: nodes, depth or importances differ after loading", c.name)
			}
		case *ensemble.RandomForestClassifier:
			f := c.fit.(*ensemble.RandomForestClassifier)
			if m.OOBScoreValue != f.OOBScoreValue || m.Classes.DType() != tensor.Int64 ||
				!slices.Equal(m.FeatureImportances.Float64s(), f.FeatureImportances.Float64s()) {
				t.Errorf("%s: OOB score, classes or importances differ after loading", c.name)
			}
		case *ensemble.HistGradientBoostingClassifier:
			f := c.fit.(*ensemble.HistGradientBoostingClassifier)
			if m.NIter != f.NIter || !slices.Equal(m.ValidationScore, f.ValidationScore) || m.MaxIter != f.MaxIter {
				t.Errorf("%s: NIter, scores or settings differ after loading", c.name)
			}
		}
	}
}

// TestStateErrors checks that state is refused before Fit and that corrupted states are
// errors, not panics.
func TestStateErrors(t *testing.T) {
	for _, m := range []statetest.Supervised{new(ensemble.DecisionTreeClassifier), new(ensemble.DecisionTreeRegressor),
		new(ensemble.RandomForestClassifier), new(ensemble.RandomForestRegressor),
		new(ensemble.HistGradientBoostingClassifier), new(ensemble.HistGradientBoostingRegressor)} {
		if _, _, err := m.MarshalState(); err == nil || !strings.Contains(err.Error(), "not fitted") {
			t.Errorf("%T: MarshalState before Fit: %v", m, err)
		}
	}
	ints := func(v ...int64) *tensor.Tensor { return tensor.FromSlice(v, len(v)) }
	// edit returns a copy of a state's int64 array with element i set to v.
	edit := func(arrays map[string]*tensor.Tensor, name string, i int, v int64) *tensor.Tensor {
		a := arrays[name].Int64s()
		a[i] = v
		return tensor.FromSlice(a, len(a))
	}
	type corruption struct {
		name   string
		params func(string) string
		arrays func(map[string]*tensor.Tensor)
	}
	treeBreaks := []corruption{
		{"bad JSON", func(string) string { return "{" }, nil},
		{"unknown field", func(p string) string { return strings.Replace(p, "{", `{"Bogus":1,`, 1) }, nil},
		{"bad setting", func(p string) string { return strings.Replace(p, `"MinSamplesSplit":2`, `"MinSamplesSplit":0`, 1) }, nil},
		{"no features", func(p string) string { return strings.Replace(p, `"NFeaturesIn":4`, `"NFeaturesIn":0`, 1) }, nil},
		{"huge NFeaturesIn", func(p string) string {
			return strings.Replace(p, `"NFeaturesIn":4`, `"NFeaturesIn":1000000000000000`, 1)
		}, nil},
		{"missing array", nil, func(a map[string]*tensor.Tensor) { delete(a, "tree.left") }},
		{"missing importances", nil, func(a map[string]*tensor.Tensor) { delete(a, "feature_importances") }},
		{"wrong dtype", nil, func(a map[string]*tensor.Tensor) { a["tree.threshold"] = a["tree.threshold"].To(tensor.Float32) }},
		{"wrong shape", nil, func(a map[string]*tensor.Tensor) { a["tree.value"] = ints(1, 2).To(tensor.Float64) }},
		{"self loop", nil, func(a map[string]*tensor.Tensor) { a["tree.left"] = edit(a, "tree.left", 0, 0) }},
		{"backward child", nil, func(a map[string]*tensor.Tensor) { a["tree.right"] = edit(a, "tree.right", 2, 1) }},
		{"child out of range", nil, func(a map[string]*tensor.Tensor) { a["tree.right"] = edit(a, "tree.right", 0, 1<<40) }},
		{"half a leaf", nil, func(a map[string]*tensor.Tensor) {
			l := a["tree.left"].Int64s()
			a["tree.left"] = edit(a, "tree.left", slices.Index(l, -1), 7)
		}},
		{"feature out of range", nil, func(a map[string]*tensor.Tensor) { a["tree.feature"] = edit(a, "tree.feature", 0, 4) }},
		{"negative feature", nil, func(a map[string]*tensor.Tensor) { a["tree.feature"] = edit(a, "tree.feature", 0, -1) }},
		{"NaN threshold", nil, func(a map[string]*tensor.Tensor) {
			v := a["tree.threshold"].Float64s()
			v[0] = math.NaN()
			a["tree.threshold"] = tensor.FromSlice(v, len(v))
		}},
		{"bad offsets", nil, func(a map[string]*tensor.Tensor) { a["tree.offsets"] = edit(a, "tree.offsets", 1, 0) }},
		{"unsorted classes", nil, func(a map[string]*tensor.Tensor) { a["classes"] = ints(2, 1, 0) }},
		{"classes of another length", nil, func(a map[string]*tensor.Tensor) { a["classes"] = ints(0, 1) }},
		{"missing OOB", nil, func(a map[string]*tensor.Tensor) { delete(a, "oob_decision_function") }},
	}
	hgbBreaks := []corruption{
		{"bad JSON", func(string) string { return "[]" }, nil},
		{"bad loss", func(p string) string { return strings.Replace(p, `"log_loss"`, `"hinge"`, 1) }, nil},
		{"too many iterations", func(p string) string { return strings.Replace(p, `"NIter":30`, `"NIter":31`, 1) }, nil},
		{"fewer iterations than trees", func(p string) string { return strings.Replace(p, `"NIter":30`, `"NIter":29`, 1) }, nil},
		{"missing baseline", nil, func(a map[string]*tensor.Tensor) { delete(a, "baseline") }},
		{"self loop", nil, func(a map[string]*tensor.Tensor) { a["hgb.left"] = edit(a, "hgb.left", 0, 0) }},
		{"feature out of range", nil, func(a map[string]*tensor.Tensor) { a["hgb.feature"] = edit(a, "hgb.feature", 0, 9) }},
		{"wrong dtype", nil, func(a map[string]*tensor.Tensor) { a["hgb.missing_left"] = a["hgb.missing_left"].To(tensor.Int64) }},
		{"empty tree", nil, func(a map[string]*tensor.Tensor) { a["hgb.offsets"] = edit(a, "hgb.offsets", 1, 0) }},
	}
	cases := stateCases(t)
	run := func(c struct {
		name        string
		fit, loaded statetest.Supervised
		X, y        *tensor.Tensor
	}, breaks []corruption) {
		params, arrays, err := c.fit.MarshalState()
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range breaks {
			p, a := string(params), maps.Clone(arrays)
			if b.params != nil {
				p = b.params(p)
				if p == string(params) {
					t.Fatalf("%s: %s: the corruption changed nothing", c.name, b.name)
				}
			}
			if b.arrays != nil {
				b.arrays(a)
			}
			if err := c.loaded.UnmarshalState([]byte(p), a); err == nil {
				t.Errorf("%s: %s: no error", c.name, b.name)
			}
		}
	}
	run(cases[2], treeBreaks)
	run(cases[0], treeBreaks[:len(treeBreaks)-1])
	run(cases[5], hgbBreaks)
}
