package neighbors_test

import (
	"math"
	"strings"
	"testing"

	"github.com/ember-ml/ember/neighbors"
	"github.com/ember-ml/ember/tensor"
)

// TestBadInput runs every kind of bad input through the estimators' methods: each must
// return an error naming the problem, never panic.
func TestBadInput(t *testing.T) {
	X := tensor.FromSlice([]float64{0, 0, 1, 1, 2, 2, 3, 3}, 4, 2)
	y := tensor.FromSlice([]int64{0, 1, 1, 0}, 4)
	withNaN := tensor.FromSlice([]float64{0, 0, 1, math.NaN(), 2, 2, 3, 3}, 4, 2)
	withInf := tensor.FromSlice([]float32{0, 0, 1, 1, float32(math.Inf(-1)), 2, 3, 3}, 4, 2)
	fitted := func() *neighbors.KNeighborsClassifier {
		c := neighbors.NewKNeighborsClassifier()
		c.NNeighbors = 3
		if err := c.Fit(X, y); err != nil {
			t.Fatal(err)
		}
		return c
	}
	fittedReg := func() *neighbors.KNeighborsRegressor {
		r := neighbors.NewKNeighborsRegressor()
		r.NNeighbors = 3
		if err := r.Fit(X, tensor.FromSlice([]float64{0, 1, 2, 3}, 4)); err != nil {
			t.Fatal(err)
		}
		return r
	}
	fit := func(f func(c *neighbors.KNeighborsClassifier)) error {
		c := neighbors.NewKNeighborsClassifier()
		c.NNeighbors = 3
		f(c)
		return c.Fit(X, y)
	}
	for _, tc := range []struct {
		name string
		run  func() error
		want string
	}{
		{"k > samples at Fit", func() error { return fit(func(c *neighbors.KNeighborsClassifier) { c.NNeighbors = 5 }) },
			"NNeighbors=5 but only 4 training samples: Expected n_neighbors <= n_samples_fit"},
		{"k = 0 at Fit", func() error { return fit(func(c *neighbors.KNeighborsClassifier) { c.NNeighbors = 0 }) }, "NNeighbors must be > 0, got 0"},
		{"k < 0 at Fit", func() error { return fit(func(c *neighbors.KNeighborsClassifier) { c.NNeighbors = -2 }) }, "NNeighbors must be > 0, got -2"},
		{"k > samples in KNeighbors", func() error { _, _, err := fitted().KNeighbors(X, 5); return err },
			"k=5 but only 4 training samples: Expected n_neighbors <= n_samples_fit"},
		{"k = 0 in KNeighbors", func() error { _, _, err := fitted().KNeighbors(X, 0); return err }, "k must be > 0, got 0"},
		{"k raised after Fit", func() error {
			c := fitted()
			c.NNeighbors = 9
			_, err := c.Predict(X)
			return err
		}, "NNeighbors=9 but only 4 training samples"},
		{"regressor k raised after Fit", func() error {
			r := fittedReg()
			r.NNeighbors = 9
			_, err := r.Predict(X)
			return err
		}, "NNeighbors=9 but only 4 training samples"},
		{"NaN in X", func() error {
			return neighbors.NewKNeighborsRegressor().Fit(withNaN, tensor.FromSlice([]float64{0, 1, 2, 3}, 4))
		},
			"X contains NaN (sample 1, feature 1)"},
		{"Inf in float32 X", func() error { return neighbors.NewKNeighborsClassifier().Fit(withInf, y) }, "X contains -Inf (sample 2, feature 0)"},
		{"NaN in y", func() error {
			return fittedReg().Fit(X, tensor.FromSlice([]float64{0, math.NaN(), 2, 3}, 4))
		}, "y contains NaN (sample 1)"},
		{"NaN in query", func() error { _, err := fitted().Predict(withNaN); return err }, "X contains NaN (sample 1, feature 1)"},
		{"Inf in query", func() error { _, _, err := fitted().KNeighbors(withInf, 1); return err }, "X contains -Inf (sample 2, feature 0)"},
		{"unknown metric", func() error { return fit(func(c *neighbors.KNeighborsClassifier) { c.Metric = "hamming" }) }, `Metric must be "euclidean", "manhattan", "minkowski" or "cosine", got "hamming"`},
		{"unknown weights", func() error { return fit(func(c *neighbors.KNeighborsClassifier) { c.Weights = "gauss" }) }, `Weights must be "uniform" or "distance", got "gauss"`},
		{"weights changed after Fit", func() error {
			c := fitted()
			c.Weights = "gauss"
			_, err := c.PredictProba(X)
			return err
		}, `Weights must be "uniform" or "distance", got "gauss"`},
		{"unknown algorithm", func() error { return fit(func(c *neighbors.KNeighborsClassifier) { c.Algorithm = "ball_tree" }) }, `Algorithm must be "auto", "brute" or "kd_tree", got "ball_tree"`},
		{"feature mismatch in Predict", func() error { _, err := fitted().Predict(tensor.FromSlice([]float64{1, 2, 3}, 1, 3)); return err },
			"X has 3 features, but the estimator was fitted with 2"},
		{"feature mismatch in KNeighbors", func() error { _, _, err := fittedReg().KNeighbors(tensor.FromSlice([]float64{1}, 1, 1), 1); return err },
			"X has 1 features, but the estimator was fitted with 2"},
		{"Predict before Fit", func() error { _, err := neighbors.NewKNeighborsClassifier().Predict(X); return err }, "not fitted: call Fit first"},
		{"KNeighbors before Fit", func() error { _, _, err := neighbors.NewKNeighborsRegressor().KNeighbors(X, 1); return err }, "not fitted: call Fit first"},
		{"Score before Fit", func() error { _, err := neighbors.NewKNeighborsRegressor().Score(X, y); return err }, "not fitted: call Fit first"},
		{"nil X", func() error { return neighbors.NewKNeighborsClassifier().Fit(nil, y) }, "X is nil"},
		{"y of wrong length", func() error { _, err := fitted().Score(X, tensor.FromSlice([]int64{1}, 1)); return err }, "y has 1 values but X has 4 samples"},
	} {
		err := tc.run()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}
