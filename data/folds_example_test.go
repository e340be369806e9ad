package data_test

import (
	"fmt"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/tensor"
)

// Without shuffling, KFold gives scikit-learn's folds exactly: 7 samples in 3 folds of 3, 2, 2.
func ExampleKFold() {
	folds, err := data.KFold{NSplits: 3}.Split(7, nil)
	if err != nil {
		panic(err)
	}
	for _, f := range folds {
		fmt.Println("train", f.Train, "test", f.Test)
	}
	// Output:
	// train [3 4 5 6] test [0 1 2]
	// train [0 1 2 5 6] test [3 4]
	// train [0 1 2 3 4] test [5 6]
}

// Each test fold of StratifiedKFold keeps the 2:1 class ratio of y.
func ExampleStratifiedKFold() {
	y := []int64{0, 0, 1, 0, 0, 1, 0, 0, 1}
	folds, err := data.StratifiedKFold{NSplits: 3}.Split(len(y), y)
	if err != nil {
		panic(err)
	}
	for _, f := range folds {
		fmt.Println("test", f.Test)
	}
	// Output:
	// test [0 1 2]
	// test [3 4 5]
	// test [6 7 8]
}

// meanRegressor predicts the mean of its training targets; its Score is R².
type meanRegressor struct{ mean float64 }

func (m *meanRegressor) Fit(_, y *tensor.Tensor) error {
	m.mean = y.Mean().Item()
	return nil
}

func (m *meanRegressor) Score(_, y *tensor.Tensor) (float64, error) {
	ss, st := 0.0, 0.0
	mu := y.Mean().Item()
	for _, v := range y.Float64s() {
		ss += (v - m.mean) * (v - m.mean)
		st += (v - mu) * (v - mu)
	}
	return 1 - ss/st, nil
}

// CrossValidate fits a fresh model per fold and reports each fold's score, their mean and
// standard deviation; any Fit/Score estimator (linear.Ridge, svm.SVC, …) works the same way.
// scikit-learn's cross_validate(DummyRegressor(), X, y, cv=KFold(3)) gives the same numbers.
func ExampleCrossValidate() {
	x := tensor.Zeros(9, 1)
	y := tensor.FromSlice([]float64{1, 3, 2, 2, 1, 3, 3, 2, 4})
	build := func() data.Model { return &meanRegressor{} }
	r, err := data.CrossValidate(build, x, y, data.KFold{NSplits: 3}, nil, 2)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.3f\n", r.Scores["score"])
	fmt.Println(r)
	// Output:
	// [-0.375 -0.375 -1.500]
	// score -0.75 ± 0.53
}
