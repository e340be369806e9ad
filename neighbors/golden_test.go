package neighbors_test

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/ember-ml/ember/neighbors"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

type dataset struct {
	X, Xq [][]float64
	Y     []float64
	YReg  []float64 `json:"y_reg"`
}

type knnCase struct {
	Data   string
	Params struct {
		NNeighbors int `json:"n_neighbors"`
		Weights    string
		Algorithm  string
		Metric     string
		P          float64
	}
	FitMethod       string `json:"fit_method"`
	EffectiveMetric string `json:"effective_metric"`
	Classes         []int64
	Predict         []int64
	PredictProba    [][]float64 `json:"predict_proba"`
	Score           float64
	PredictReg      []float64 `json:"predict_reg"`
	ScoreReg        float64   `json:"score_reg"`
	Dist            [][]float64
	Ind             [][]int64
}

type golden struct {
	Datasets map[string]dataset
	Cases    []knnCase
}

func loadGolden(t *testing.T) golden {
	t.Helper()
	var g golden
	if err := tensortest.LoadJSON("../testdata/golden/neighbors.json", &g); err != nil {
		t.Fatal(err)
	}
	return g
}

func matrix(rows [][]float64) *tensor.Tensor {
	return tensor.FromSlice(slices.Concat(rows...), len(rows), len(rows[0]))
}

func vector(v []float64) *tensor.Tensor { return tensor.FromSlice(slices.Clone(v), len(v)) }

func closeTo(got, want []float64, tol float64) error {
	if len(got) != len(want) {
		return fmt.Errorf("length %d, want %d", len(got), len(want))
	}
	for i := range got {
		if !(math.Abs(got[i]-want[i]) <= tol*max(1, math.Abs(want[i]))) {
			return fmt.Errorf("[%d] = %.15g, want %.15g", i, got[i], want[i])
		}
	}
	return nil
}

func (c knnCase) params() neighbors.Params {
	return neighbors.Params{NNeighbors: c.Params.NNeighbors, Weights: c.Params.Weights, Algorithm: c.Params.Algorithm,
		LeafSize: 30, Metric: c.Params.Metric, P: c.Params.P}
}

func (c knnCase) name() string {
	return fmt.Sprintf("%s/%s_p%g/%s/%s/k%d", c.Data, c.Params.Metric, c.Params.P, c.Params.Algorithm, c.Params.Weights, c.Params.NNeighbors)
}

// TestGolden compares both estimators with scikit-learn 1.2.1 for every metric, weighting
// and algorithm: identical neighbours, classes and predictions; distances within 1e-9.
func TestGolden(t *testing.T) {
	g := loadGolden(t)
	for _, c := range g.Cases {
		t.Run(c.name(), func(t *testing.T) {
			d := g.Datasets[c.Data]
			X, Xq := matrix(d.X), matrix(d.Xq)
			clf := neighbors.NewKNeighborsClassifier()
			clf.Params = c.params()
			if err := clf.Fit(X, vector(d.Y)); err != nil {
				t.Fatal(err)
			}
			if clf.FitMethod != c.FitMethod || clf.EffectiveMetric != c.EffectiveMetric {
				t.Errorf("fit method %s, metric %s; want %s, %s", clf.FitMethod, clf.EffectiveMetric, c.FitMethod, c.EffectiveMetric)
			}
			checkClassifier(t, clf, Xq, c)
			checkNeighbors(t, clf, Xq, c)
			reg := neighbors.NewKNeighborsRegressor()
			reg.Params = c.params()
			if err := reg.Fit(X, vector(d.YReg)); err != nil {
				t.Fatal(err)
			}
			checkRegressor(t, reg, X, Xq, d.YReg, c)
		})
	}
}

func checkClassifier(t *testing.T, clf *neighbors.KNeighborsClassifier, Xq *tensor.Tensor, c knnCase) {
	t.Helper()
	if got := clf.Classes.Int64s(); !slices.Equal(got, c.Classes) {
		t.Errorf("classes %v, want %v", got, c.Classes)
	}
	pred, err := clf.Predict(Xq)
	if err != nil {
		t.Fatal(err)
	}
	if got := pred.Int64s(); !slices.Equal(got, c.Predict) {
		t.Errorf("predict %v\nwant %v", got, c.Predict)
	}
	proba, err := clf.PredictProba(Xq)
	if err != nil {
		t.Fatal(err)
	}
	if err := closeTo(proba.Float64s(), slices.Concat(c.PredictProba...), 1e-12); err != nil {
		t.Errorf("predict_proba %v", err)
	}
	rev := slices.Clone(c.Predict)
	slices.Reverse(rev)
	score, err := clf.Score(Xq, tensor.FromSlice(rev, len(rev)))
	if err != nil || math.Abs(score-c.Score) > 1e-12 {
		t.Errorf("score %v (%v), want %v", score, err, c.Score)
	}
}

func checkNeighbors(t *testing.T, clf *neighbors.KNeighborsClassifier, Xq *tensor.Tensor, c knnCase) {
	t.Helper()
	dist, ind, err := clf.KNeighbors(Xq, c.Params.NNeighbors)
	if err != nil {
		t.Fatal(err)
	}
	if err := closeTo(dist.Float64s(), slices.Concat(c.Dist...), 1e-9); err != nil {
		t.Errorf("distances %v", err)
	}
	if got, want := ind.Int64s(), slices.Concat(c.Ind...); !slices.Equal(got, want) {
		t.Errorf("indices %v\nwant %v", got, want)
	}
}

func checkRegressor(t *testing.T, reg *neighbors.KNeighborsRegressor, X, Xq *tensor.Tensor, y []float64, c knnCase) {
	t.Helper()
	pred, err := reg.Predict(Xq)
	if err != nil {
		t.Fatal(err)
	}
	if err := closeTo(pred.Float64s(), c.PredictReg, 1e-9); err != nil {
		t.Errorf("regressor predict %v", err)
	}
	score, err := reg.Score(X, vector(y))
	if err != nil || math.Abs(score-c.ScoreReg) > 1e-9 {
		t.Errorf("regressor score %v (%v), want %v", score, err, c.ScoreReg)
	}
}
