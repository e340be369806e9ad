package neighbors_test

import (
	"fmt"

	"github.com/ember-ml/ember/neighbors"
	"github.com/ember-ml/ember/tensor"
)

func ExampleKNeighborsClassifier() {
	X := tensor.FromSlice([]float64{0, 0, 0, 1, 1, 0, 5, 5, 5, 6, 6, 5}, 6, 2)
	y := tensor.FromSlice([]int64{0, 0, 0, 1, 1, 1}, 6)
	clf := neighbors.NewKNeighborsClassifier()
	clf.NNeighbors = 3
	if err := clf.Fit(X, y); err != nil {
		panic(err)
	}
	Xq := tensor.FromSlice([]float64{0.5, 0.5, 4, 4}, 2, 2)
	pred, _ := clf.Predict(Xq)
	proba, _ := clf.PredictProba(Xq)
	fmt.Println(pred.Int64s(), proba.Float64s(), clf.FitMethod)
	// Output: [0 1] [1 0 0 1] brute
}

func ExampleKNeighborsRegressor_KNeighbors() {
	X := tensor.FromSlice([]float64{0, 1, 2, 3, 4}, 5, 1)
	y := tensor.FromSlice([]float64{0, 10, 20, 30, 40}, 5)
	reg := neighbors.NewKNeighborsRegressor()
	reg.NNeighbors, reg.Weights = 2, "distance"
	if err := reg.Fit(X, y); err != nil {
		panic(err)
	}
	Xq := tensor.FromSlice([]float64{1.5, 2.25}, 2, 1)
	dist, idx, _ := reg.KNeighbors(Xq, 2)
	pred, _ := reg.Predict(Xq)
	fmt.Println(dist.Float64s(), idx.Int64s(), pred.Float64s())
	// Output: [0.5 0.5 0.25 0.75] [1 2 2 3] [15 22.5]
}
