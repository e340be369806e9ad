package linear_test

import (
	"fmt"

	"github.com/ember-ml/ember/linear"
	"github.com/ember-ml/ember/tensor"
)

func ExampleLinearRegression() {
	X := tensor.FromSlice([]float64{1, 1, 1, 2, 2, 2, 2, 3}, 4, 2)
	y := tensor.FromSlice([]float64{6, 8, 9, 11}, 4) // 1·x0 + 2·x1 + 3
	m := linear.NewLinearRegression()
	if err := m.Fit(X, y); err != nil {
		panic(err)
	}
	pred, _ := m.Predict(tensor.FromSlice([]float64{3, 5}, 1, 2))
	fmt.Printf("coef %.3f intercept %.3f predict %.3f\n", m.Coef.Float64s(), m.Intercept.Item(), pred.Float64s())
	// Output: coef [1.000 2.000] intercept 3.000 predict [16.000]
}

func ExampleLasso() {
	X := tensor.FromSlice([]float64{0, 0, 1, 1, 2, 2}, 3, 2)
	y := tensor.FromSlice([]float64{0, 1, 2}, 3)
	m := linear.NewLasso()
	m.Alpha = 0.1
	if err := m.Fit(X, y); err != nil {
		panic(err)
	}
	fmt.Printf("coef %.2f intercept %.2f\n", m.Coef.Float64s(), m.Intercept)
	// Output: coef [0.85 0.00] intercept 0.15
}

func ExampleLogisticRegression() {
	X := tensor.FromSlice([]float64{0, 1, 2, 3, 4, 5, 6, 7}, 8, 1)
	y := tensor.FromSlice([]int64{0, 0, 0, 1, 0, 1, 1, 1}, 8)
	m := linear.NewLogisticRegression()
	if err := m.Fit(X, y); err != nil {
		panic(err)
	}
	proba, _ := m.PredictProba(tensor.FromSlice([]float64{0, 3.5, 7}, 3, 1))
	pred, _ := m.Predict(tensor.FromSlice([]float64{0, 7}, 2, 1))
	fmt.Printf("P %.2f predict %v\n", proba.Float64s(), pred.Int64s())
	// Output: P [0.95 0.05 0.50 0.50 0.05 0.95] predict [0 1]
}

func ExampleKernelRidge() {
	X := tensor.FromSlice([]float64{0, 1, 2, 3, 4, 5}, 6, 1)
	y := tensor.FromSlice([]float64{0, 1, 4, 9, 16, 25}, 6)
	m := linear.NewKernelRidge()
	m.Kernel, m.Degree, m.Gamma, m.Alpha = "poly", 2, 1, 1e-6
	if err := m.Fit(X, y); err != nil {
		panic(err)
	}
	pred, _ := m.Predict(tensor.FromSlice([]float64{6}, 1, 1))
	fmt.Printf("%.2f\n", pred.Float64s())
	// Output: [36.00]
}
