package svm_test

import (
	"fmt"

	"github.com/ember-ml/ember/svm"
	"github.com/ember-ml/ember/tensor"
)

func ExampleSVC() {
	X := tensor.FromSlice([]float64{0, 0, 0, 1, 1, 0, 3, 3, 3, 4, 4, 3}, 6, 2)
	y := tensor.FromSlice([]int64{0, 0, 0, 1, 1, 1}, 6)
	m := svm.NewSVC()
	m.Kernel = "linear"
	if err := m.Fit(X, y); err != nil {
		panic(err)
	}
	p, _ := m.Predict(tensor.FromSlice([]float64{0.5, 0.5, 3.5, 3.5}, 2, 2))
	fmt.Println(p.Int64s(), m.Support.Int64s())
	// Output: [0 1] [1 2 3]
}

// ExampleSVR fits y = 2x on five points; the two end points are the support vectors
// (scikit-learn predicts 3.025 and 9.85 too).
func ExampleSVR() {
	X := tensor.FromSlice([]float64{0, 1, 2, 3, 4}, 5, 1)
	y := tensor.FromSlice([]float64{0, 2, 4, 6, 8}, 5)
	m := svm.NewSVR()
	m.Kernel, m.C = "linear", 10
	if err := m.Fit(X, y); err != nil {
		panic(err)
	}
	p, _ := m.Predict(tensor.FromSlice([]float64{1.5, 5}, 2, 1))
	fmt.Printf("%.3f %v\n", p.Float64s(), m.Support.Int64s())
	// Output: [3.025 9.850] [0 4]
}

// ExampleLinearSVC separates three classes along the diagonal with one-vs-rest.
func ExampleLinearSVC() {
	X := tensor.FromSlice([]float64{0, 0, 0, 1, 1, 0, 4, 4, 4, 5, 5, 4, 8, 8, 8, 9, 9, 8}, 9, 2)
	y := tensor.FromSlice([]int64{0, 0, 0, 1, 1, 1, 2, 2, 2}, 9)
	m := svm.NewLinearSVC()
	if err := m.Fit(X, y); err != nil {
		panic(err)
	}
	p, _ := m.Predict(tensor.FromSlice([]float64{0.5, 0.5, 8.5, 8.5}, 2, 2))
	acc, _ := m.Score(X, y)
	fmt.Println(p.Int64s(), m.Coef.Shape(), acc)
	// Output: [0 2] [3 2] 1
}
