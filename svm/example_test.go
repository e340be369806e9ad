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
