package data_test

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/linear"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

// foldsGolden is testdata/golden/folds.json, written by gen_folds.py with scikit-learn 1.2.1.
type foldsGolden struct {
	KFold []struct {
		N, K  int
		Folds []data.Fold
	}
	Stratified []struct {
		Y     []int64
		K     int
		Folds []data.Fold
	}
	Group []struct {
		Groups []int64
		K      int
		Folds  []data.Fold
	}
	Timeseries []struct {
		N            int
		NSplits      int `json:"n_splits"`
		TestSize     int `json:"test_size"`
		Gap          int
		MaxTrainSize int `json:"max_train_size"`
		Folds        []data.Fold
	}
	CrossValidate struct {
		X       [][]float64
		Y       []float64
		Alpha   float64
		K       int
		R2      []float64
		NegMAEV []float64 `json:"neg_mae"`
		R2Mean  float64   `json:"r2_mean"`
		R2Std   float64   `json:"r2_std"`
	} `json:"cross_validate"`
	Shuffle []struct {
		N          int
		TestSize   float64 `json:"test_size"`
		TrainSizeV float64 `json:"train_size"`
		NTrain     int     `json:"n_train"`
		NTest      int     `json:"n_test"`
	}
}

func loadFoldsGolden(t *testing.T) foldsGolden {
	t.Helper()
	var g foldsGolden
	if err := tensortest.LoadJSON("../testdata/golden/folds.json", &g); err != nil {
		t.Fatal(err)
	}
	return g
}

func sameFolds(t *testing.T, name string, got, want []data.Fold) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d folds, want %d", name, len(got), len(want))
	}
	for i := range want {
		if !slices.Equal(got[i].Test, want[i].Test) || !slices.Equal(got[i].Train, want[i].Train) {
			t.Fatalf("%s fold %d:\n test %v\n want %v\ntrain %v\n want %v", name, i, got[i].Test, want[i].Test, got[i].Train, want[i].Train)
		}
	}
}

func TestFoldsMatchScikitLearn(t *testing.T) {
	g := loadFoldsGolden(t)
	for _, c := range g.KFold {
		f, err := data.KFold{NSplits: c.K}.Split(c.N, nil)
		if err != nil {
			t.Fatal(err)
		}
		sameFolds(t, fmt.Sprintf("KFold(n=%d, k=%d)", c.N, c.K), f, c.Folds)
	}
	for i, c := range g.Stratified {
		f, err := data.StratifiedKFold{NSplits: c.K, AllowSmallClasses: true}.Split(len(c.Y), c.Y)
		if err != nil {
			t.Fatal(err)
		}
		sameFolds(t, fmt.Sprintf("StratifiedKFold case %d", i), f, c.Folds)
	}
	for i, c := range g.Group {
		f, err := data.GroupKFold{NSplits: c.K, Groups: c.Groups}.Split(len(c.Groups), nil)
		if err != nil {
			t.Fatal(err)
		}
		sameFolds(t, fmt.Sprintf("GroupKFold case %d", i), f, c.Folds)
	}
	for i, c := range g.Timeseries {
		f, err := data.TimeSeriesSplit{NSplits: c.NSplits, TestSize: c.TestSize, Gap: c.Gap, MaxTrainSize: c.MaxTrainSize}.Split(c.N, nil)
		if err != nil {
			t.Fatal(err)
		}
		sameFolds(t, fmt.Sprintf("TimeSeriesSplit case %d", i), f, c.Folds)
	}
}

// coversOnce checks that every sample is in exactly one test fold and that no fold's train
// and test parts overlap.
func coversOnce(t *testing.T, folds []data.Fold, n int) {
	t.Helper()
	seen := make([]int, n)
	for i, f := range folds {
		in := map[int]bool{}
		for _, j := range f.Test {
			seen[j]++
			in[j] = true
		}
		for _, j := range f.Train {
			if in[j] {
				t.Fatalf("fold %d: sample %d in both parts", i, j)
			}
		}
		if len(f.Train)+len(f.Test) != n {
			t.Fatalf("fold %d: %d+%d samples, want %d", i, len(f.Train), len(f.Test), n)
		}
	}
	for j, c := range seen {
		if c != 1 {
			t.Fatalf("sample %d is in %d test folds", j, c)
		}
	}
}

func TestShuffledFoldsKeepScikitLearnSizes(t *testing.T) {
	g := loadFoldsGolden(t)
	for _, c := range g.KFold {
		a, err := data.KFold{NSplits: c.K, Shuffle: true, Seed: 3}.Split(c.N, nil)
		if err != nil {
			t.Fatal(err)
		}
		coversOnce(t, a, c.N)
		for i := range a {
			if len(a[i].Test) != len(c.Folds[i].Test) {
				t.Fatalf("KFold(n=%d, k=%d) fold %d has %d test samples, sklearn %d", c.N, c.K, i, len(a[i].Test), len(c.Folds[i].Test))
			}
		}
		b, _ := data.KFold{NSplits: c.K, Shuffle: true, Seed: 3}.Split(c.N, nil)
		sameFolds(t, "same seed", b, a)
		if c.N > 10 {
			d, _ := data.KFold{NSplits: c.K, Shuffle: true, Seed: 4}.Split(c.N, nil)
			if slices.Equal(d[0].Test, a[0].Test) {
				t.Errorf("KFold(n=%d): seeds 3 and 4 give the same first fold", c.N)
			}
		}
	}
	for i, c := range g.Stratified {
		a, err := data.StratifiedKFold{NSplits: c.K, Shuffle: true, Seed: 9, AllowSmallClasses: true}.Split(len(c.Y), c.Y)
		if err != nil {
			t.Fatal(err)
		}
		coversOnce(t, a, len(c.Y))
		for f := range a { // the same number of each class in each fold as sklearn
			if !maps.Equal(labelCounts(c.Y, a[f].Test), labelCounts(c.Y, c.Folds[f].Test)) {
				t.Fatalf("stratified case %d fold %d: class counts %v, sklearn %v", i, f, labelCounts(c.Y, a[f].Test), labelCounts(c.Y, c.Folds[f].Test))
			}
		}
	}
	for _, c := range g.Shuffle {
		s := data.ShuffleSplit{NSplits: 3, TestSize: c.TestSize, TrainSize: c.TrainSizeV, Seed: 1}
		a, err := s.Split(c.N, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range a {
			if len(f.Train) != c.NTrain || len(f.Test) != c.NTest {
				t.Fatalf("%+v: %d train, %d test rows; sklearn %d, %d", s, len(f.Train), len(f.Test), c.NTrain, c.NTest)
			}
		}
		b, _ := s.Split(c.N, nil)
		sameFolds(t, "same seed", b, a)
	}
	r, err := data.RepeatedKFold{NSplits: 3, NRepeats: 4, Seed: 2}.Split(20, nil)
	if err != nil || len(r) != 12 {
		t.Fatalf("RepeatedKFold: %d folds, %v", len(r), err)
	}
	for rep := range 4 {
		coversOnce(t, r[3*rep:3*rep+3], 20)
	}
	if slices.Equal(r[0].Test, r[3].Test) {
		t.Error("RepeatedKFold repeats the same permutation")
	}
}

func labelCounts(y []int64, idx []int) map[int64]int {
	m := map[int64]int{}
	for _, i := range idx {
		m[y[i]]++
	}
	return m
}

func TestSplitterErrors(t *testing.T) {
	y := []int64{0, 0, 0, 1, 1, 1, 1, 2}
	for _, c := range []struct {
		s    data.Splitter
		n    int
		y    []int64
		want string
	}{
		{data.KFold{NSplits: 1}, 10, nil, "at least 2 splits"},
		{data.KFold{NSplits: -3}, 10, nil, "at least 2 splits"},
		{data.KFold{NSplits: 11}, 10, nil, "11 splits with only 10 samples"},
		{data.KFold{}, 4, nil, "5 splits with only 4 samples"},
		{data.StratifiedKFold{NSplits: 2}, 8, nil, "needs a class label"},
		{data.StratifiedKFold{NSplits: 2}, 8, y[:5], "5 labels for 8 samples"},
		{data.StratifiedKFold{NSplits: 2}, 8, y, "class 2 has only 1 members"},
		{data.StratifiedKFold{NSplits: 5, AllowSmallClasses: true}, 8, y, "cannot be greater than the number of members in each class"},
		{data.GroupKFold{NSplits: 3, Groups: []int64{1, 1, 2, 2}}, 4, nil, "3 splits with only 2 groups"},
		{data.GroupKFold{NSplits: 2, Groups: []int64{1, 2}}, 4, nil, "2 group ids for 4 samples"},
		{data.ShuffleSplit{TestSize: 1.5}, 10, nil, "test size 1.5"},
		{data.ShuffleSplit{TestSize: 10}, 10, nil, "test size 10"},
		{data.ShuffleSplit{TestSize: 0.6, TrainSize: 0.6}, 10, nil, "add up to more than 1"},
		{data.ShuffleSplit{TestSize: 6, TrainSize: 5}, 10, nil, "more than the 10 samples"},
		{data.ShuffleSplit{TestSize: 0.01}, 10, nil, "test size 0.01"}, // ceil gives 1 test row: fine
		{data.ShuffleSplit{}, 1, nil, "at least 2 samples"},
		{data.ShuffleSplit{}, -3, nil, "at least 2 samples"},
		{data.KFold{}, -3, nil, "5 splits with only -3 samples"},
		{data.TimeSeriesSplit{}, -3, nil, "with only -3 samples"},
		{data.GroupKFold{}, 0, nil, "5 splits with only 0 samples"},
		{data.StratifiedKFold{}, 0, nil, "5 splits with only 0 samples"},
		{data.TimeSeriesSplit{NSplits: 1}, 10, nil, "at least 2 splits"},
		{data.TimeSeriesSplit{NSplits: 4, TestSize: 3}, 10, nil, "too many splits"},
		{data.TimeSeriesSplit{NSplits: 3, Gap: -1}, 10, nil, "must not be negative"},
		{data.RepeatedKFold{NRepeats: -1}, 10, nil, "at least 1 repetition"},
	} {
		_, err := c.s.Split(c.n, c.y)
		if c.want == "test size 0.01" {
			if err != nil {
				t.Errorf("%+v: %v", c.s, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%T%+v on %d samples: error %v, want it to mention %q", c.s, c.s, c.n, err, c.want)
		}
	}
}

// meanModel predicts the training mean of y; its score is minus the mean squared error.
type meanModel struct{ mean float64 }

func (m *meanModel) Fit(x, y *tensor.Tensor) error {
	m.mean = 0
	for _, v := range y.Float64s() {
		m.mean += v
	}
	m.mean /= float64(y.Size(0))
	return nil
}

func (m *meanModel) Score(x, y *tensor.Tensor) (float64, error) {
	s := 0.0
	for _, v := range y.Float64s() {
		s += (v - m.mean) * (v - m.mean)
	}
	return -s / float64(y.Size(0)), nil
}

func TestCrossValidateSameAtAnyParallelism(t *testing.T) {
	n := 23
	x := tensor.Zeros(n, 2)
	yv := make([]float64, n)
	for i := range yv {
		yv[i] = float64(i * i % 7)
	}
	y := tensor.FromSlice(yv)
	maxAbs := func(m data.Model, x, y *tensor.Tensor) (float64, error) {
		worst := 0.0
		for _, v := range y.Float64s() {
			worst = max(worst, math.Abs(v-m.(*meanModel).mean))
		}
		return worst, nil
	}
	scorers := map[string]data.ScoreFunc{"neg_mse": nil, "max_abs": maxAbs}
	build := func() data.Model { return &meanModel{} }
	var ref *data.CVResult
	for _, par := range []int{1, 2, 5} {
		r, err := data.CrossValidate(build, x, y, data.KFold{NSplits: 5, Shuffle: true, Seed: 1}, scorers, par)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Scores["neg_mse"]) != 5 || len(r.Scores["max_abs"]) != 5 || len(r.FitTime) != 5 {
			t.Fatalf("result %+v", r)
		}
		if ref == nil {
			ref = r
			continue
		}
		for k := range ref.Scores {
			if !slices.Equal(r.Scores[k], ref.Scores[k]) || r.Mean[k] != ref.Mean[k] || r.Std[k] != ref.Std[k] {
				t.Fatalf("parallel %d: %s scores %v (mean %v std %v), parallel 1 %v (mean %v std %v)", par, k, r.Scores[k], r.Mean[k], r.Std[k], ref.Scores[k], ref.Mean[k], ref.Std[k])
			}
		}
	}
	// Mean and population standard deviation (NumPy's std) of the per-fold scores.
	s := ref.Scores["neg_mse"]
	mean := 0.0
	for _, v := range s {
		mean += v / float64(len(s))
	}
	if math.Abs(ref.Mean["neg_mse"]-mean) > 1e-12 {
		t.Errorf("mean %v, want %v", ref.Mean["neg_mse"], mean)
	}
}

func TestCrossValidateFuncAndErrors(t *testing.T) {
	x := tensor.ArangeOf(tensor.Float32, 0, 20, 1).Reshape(10, 2)
	y := tensor.FromSlice([]int64{0, 1, 0, 1, 0, 1, 0, 1, 0, 1})
	var calls atomic.Int32
	r, err := data.CrossValidateFunc(x, y, data.StratifiedKFold{NSplits: 5}, func(train, val *data.TensorDataset) (float64, error) {
		calls.Add(1)
		if train.Len() != 8 || val.Len() != 2 {
			return 0, fmt.Errorf("train %d val %d", train.Len(), val.Len())
		}
		return float64(val.Y.Int64s()[0] + val.Y.Int64s()[1]), nil // one of each class
	}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 5 || r.Mean["score"] != 1 || r.Std["score"] != 0 {
		t.Fatalf("calls %d, result %+v", calls.Load(), r)
	}
	boom := errors.New("boom")
	_, err = data.CrossValidateFunc(x, y, data.KFold{NSplits: 2}, func(_, _ *data.TensorDataset) (float64, error) { return 0, boom }, 1)
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "fold 0") {
		t.Errorf("error %v, want boom in fold 0", err)
	}
	_, err = data.CrossValidateFunc(x, tensor.Zeros(9), data.KFold{NSplits: 2}, func(_, _ *data.TensorDataset) (float64, error) { return 0, nil }, 1)
	if err == nil {
		t.Error("mismatched rows: no error")
	}
	_, err = data.CrossValidateFunc(x, tensor.FromSlice([]float64{0.5, 1, 0, 1, 0, 1, 0, 1, 0, 1}), data.StratifiedKFold{NSplits: 2}, func(_, _ *data.TensorDataset) (float64, error) { return 0, nil }, 1)
	if err == nil || !strings.Contains(err.Error(), "class label") {
		t.Errorf("stratified on non-integer y: %v", err)
	}
	_, err = data.CrossValidate(func() data.Model { return &meanModel{} }, x, y, data.KFold{NSplits: 2}, nil, 0)
	if err == nil || !strings.Contains(err.Error(), "parallel") {
		t.Errorf("parallel 0: %v", err)
	}
}

// scikit-learn: cross_validate(Ridge(alpha=0.5), X, y, cv=KFold(5),
// scoring={"r2": "r2", "neg_mae": make_scorer(mean_absolute_error, greater_is_better=False)}).
func TestCrossValidateMatchesScikitLearn(t *testing.T) {
	g := loadFoldsGolden(t).CrossValidate
	x, y := tensor.FromRows(g.X), tensor.FromSlice(g.Y)
	negMAE := func(m data.Model, x, y *tensor.Tensor) (float64, error) {
		p, err := m.(*linear.Ridge).Predict(x)
		if err != nil {
			return 0, err
		}
		s := 0.0
		for i, v := range p.Float64s() {
			s += math.Abs(v - y.Float64s()[i])
		}
		return -s / float64(y.Size(0)), nil
	}
	r, err := data.CrossValidate(func() data.Model { return &linear.Ridge{Alpha: g.Alpha, FitIntercept: true} }, x, y,
		data.KFold{NSplits: g.K}, map[string]data.ScoreFunc{"r2": nil, "neg_mae": negMAE}, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i := range g.R2 {
		if math.Abs(r.Scores["r2"][i]-g.R2[i]) > 1e-10 || math.Abs(r.Scores["neg_mae"][i]-g.NegMAEV[i]) > 1e-10 {
			t.Errorf("fold %d: r2 %v neg_mae %v, sklearn %v %v", i, r.Scores["r2"][i], r.Scores["neg_mae"][i], g.R2[i], g.NegMAEV[i])
		}
	}
	if math.Abs(r.Mean["r2"]-g.R2Mean) > 1e-10 || math.Abs(r.Std["r2"]-g.R2Std) > 1e-10 {
		t.Errorf("r2 mean %v std %v, sklearn %v %v", r.Mean["r2"], r.Std["r2"], g.R2Mean, g.R2Std)
	}
}
