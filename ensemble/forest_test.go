package ensemble_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/ember-ml/ember/ensemble"
	"github.com/ember-ml/ember/tensor"
)

// fitForest fits a default forest with the given seed and jobs on d and returns its test
// score, OOB score, test predictions and importances.
func fitForest(t *testing.T, d dataset, seed uint64, nJobs int) (score, oob float64, pred, imp []float64) {
	t.Helper()
	X, y, Xt, yt := d.data()
	var err error
	if d.Classifier {
		f := ensemble.NewRandomForestClassifier()
		f.RandomState, f.NJobs, f.OOBScore = seed, nJobs, true
		if err = f.Fit(X, y); err == nil {
			score, err = f.Score(Xt, yt)
			p, _ := f.PredictProba(Xt)
			pred, oob, imp = p.Float64s(), f.OOBScoreValue, f.FeatureImportances.Float64s()
		}
	} else {
		f := ensemble.NewRandomForestRegressor()
		f.RandomState, f.NJobs, f.OOBScore = seed, nJobs, true
		if err = f.Fit(X, y); err == nil {
			score, err = f.Score(Xt, yt)
			p, _ := f.Predict(Xt)
			pred, oob, imp = p.Float64s(), f.OOBScoreValue, f.FeatureImportances.Float64s()
		}
	}
	if err != nil {
		t.Fatalf("%s: %v", d.Name, err)
	}
	return score, oob, pred, imp
}

// TestForestScoresMatchScikitLearn fits default forests (100 trees) on the shared data sets
// (make_moons, make_classification with 2 and 3 classes, make_regression, make_friedman1):
// test accuracy within 1 point, R² within 0.02, and OOB score within 0.02 of sklearn's mean
// over 5 seeds.
func TestForestScoresMatchScikitLearn(t *testing.T) {
	if testing.Short() {
		t.Skip("fits 5 forests")
	}
	for _, d := range load(t).Datasets {
		score, oob, _, imp := fitForest(t, d, 0, -1)
		tol := 0.02
		if d.Classifier {
			tol = 0.01
		}
		if math.Abs(score-d.ForestScore) > tol {
			t.Errorf("%s: forest scores %.4f, sklearn %.4f", d.Name, score, d.ForestScore)
		}
		if math.Abs(oob-d.ForestOOB) > 0.02 {
			t.Errorf("%s: OOB score %.4f, sklearn %.4f", d.Name, oob, d.ForestOOB)
		}
		sum := 0.0
		for _, v := range imp {
			sum += v
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Errorf("%s: importances sum to %v", d.Name, sum)
		}
		t.Logf("%s: score %.4f (sklearn %.4f), OOB %.4f (sklearn %.4f)", d.Name, score, d.ForestScore, oob, d.ForestOOB)
	}
}

// TestForestIndependentOfNJobs checks that 1, 2 and 7 goroutines give bit-identical forests.
func TestForestIndependentOfNJobs(t *testing.T) {
	for _, d := range load(t).Datasets[:2] {
		d.X, d.Y = d.X[:400], d.Y[:400]
		_, oob1, p1, imp1 := fitForest(t, d, 3, 1)
		for _, jobs := range []int{2, 7} {
			_, oob, p, imp := fitForest(t, d, 3, jobs)
			if oob != oob1 || !slices.Equal(p, p1) || !slices.Equal(imp, imp1) {
				t.Errorf("%s: NJobs %d changes the forest", d.Name, jobs)
			}
		}
		_, _, p2, _ := fitForest(t, d, 4, 2)
		if slices.Equal(p1, p2) {
			t.Errorf("%s: seeds 3 and 4 give the same forest", d.Name)
		}
	}
}

// TestForestErrors checks bad settings and input.
func TestForestErrors(t *testing.T) {
	X := tensor.FromRows([][]float64{{0, 1}, {1, 0}, {2, 2}, {3, 1}})
	y := tensor.FromSlice([]int64{0, 1, 0, 1}, 4)
	cases := []struct {
		name, want string
		fit        func() error
	}{
		{"trees", "NEstimators", func() error {
			f := ensemble.NewRandomForestClassifier()
			f.NEstimators = 0
			return f.Fit(X, y)
		}},
		{"negative trees", "NEstimators must be ≥ 1, got -3", func() error {
			f := ensemble.NewRandomForestRegressor()
			f.NEstimators = -3
			return f.Fit(X, y)
		}},
		{"oob", "Bootstrap", func() error {
			f := ensemble.NewRandomForestRegressor()
			f.OOBScore, f.Bootstrap = true, false
			return f.Fit(X, y)
		}},
		{"jobs", "NJobs", func() error {
			f := ensemble.NewRandomForestRegressor()
			f.NJobs = 0
			return f.Fit(X, y)
		}},
		{"one class", "one class", func() error {
			return ensemble.NewRandomForestClassifier().Fit(X, tensor.FromSlice([]int64{2, 2, 2, 2}, 4))
		}},
		{"nan", "NaN", func() error {
			return ensemble.NewRandomForestRegressor().Fit(tensor.FromRows([][]float64{{math.NaN()}}), tensor.FromSlice([]float64{1}, 1))
		}},
		{"y length", "y has 5", func() error {
			return ensemble.NewRandomForestRegressor().Fit(X, tensor.FromSlice([]float64{1, 2, 3, 4, 5}, 5))
		}},
	}
	for _, c := range cases {
		err := c.fit()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
	if _, err := ensemble.NewRandomForestClassifier().Predict(X); err == nil {
		t.Error("predict before fit: no error")
	}
	f := ensemble.NewRandomForestClassifier()
	f.NEstimators = 3
	if err := f.Fit(X, y); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Predict(tensor.FromRows([][]float64{{math.NaN(), 0}})); err == nil || !strings.Contains(err.Error(), "NaN") {
		t.Errorf("predict with NaN: %v", err)
	}
}

// TestForestSettings fits forests with each MaxFeatures form, a depth limit, larger leaves,
// the entropy criterion and no bootstrap: all beat 85% accuracy (R² 0.8) on the test data.
func TestForestSettings(t *testing.T) {
	ds := load(t).Datasets
	cls, reg := ds[1], ds[4]
	X, y, Xt, yt := cls.data()
	for _, mf := range []string{"", "log2", "3", "0.5"} {
		f := ensemble.NewRandomForestClassifier()
		f.NEstimators, f.MaxFeatures, f.MaxDepth, f.MinSamplesLeaf, f.Criterion = 30, mf, 12, 2, "entropy"
		if err := f.Fit(X, y); err != nil {
			t.Fatal(err)
		}
		if acc, _ := f.Score(Xt, yt); acc < 0.85 {
			t.Errorf("MaxFeatures %q: accuracy %.3f", mf, acc)
		}
	}
	X, y, Xt, yt = reg.data()
	f := ensemble.NewRandomForestRegressor()
	f.NEstimators, f.Bootstrap, f.MaxFeatures = 30, false, "sqrt"
	if err := f.Fit(X, y); err != nil {
		t.Fatal(err)
	}
	if r2, _ := f.Score(Xt, yt); r2 < 0.8 {
		t.Errorf("no bootstrap: R² %.3f", r2)
	}
}
