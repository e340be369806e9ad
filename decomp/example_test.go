package decomp_test

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/decomp"
	"github.com/ember-ml/ember/tensor"
)

func ExamplePCA() {
	X := tensor.FromRows([][]float64{
		{-1, -1}, {-2, -1}, {-3, -2}, {1, 1}, {2, 1}, {3, 2},
	})
	pca := decomp.NewPCA(2)
	if err := pca.Fit(X); err != nil {
		panic(err)
	}
	fmt.Printf("explained variance ratio %.4f\n", pca.ExplainedVarianceRatio.Float64s())
	fmt.Printf("singular values %.4f\n", pca.SingularValues.Float64s())
	// Output:
	// explained variance ratio [0.9924 0.0076]
	// singular values [6.3006 0.5498]
}

func ExamplePCA_fraction() {
	X := tensor.FromRows([][]float64{
		{2.5, 2.4, 0.5}, {0.5, 0.7, 0.1}, {2.2, 2.9, 0.4}, {1.9, 2.2, 0.6}, {3.1, 3.0, 0.2},
		{2.3, 2.7, 0.3}, {2.0, 1.6, 0.5}, {1.0, 1.1, 0.4}, {1.5, 1.6, 0.2}, {1.1, 0.9, 0.3},
	})
	pca := decomp.NewPCA(0)
	pca.NComponentsFraction = 0.95
	Z, err := pca.FitTransform(X)
	if err != nil {
		panic(err)
	}
	fmt.Println("components kept:", pca.NComponentsFitted, "projection shape:", Z.Shape())
	// Output: components kept: 2 projection shape: [10 2]
}

func ExampleFastICA() {
	// Two sources — a sine and a square wave — mixed by a fixed matrix.
	n := 400
	rows := make([][]float64, n)
	for i := range rows {
		t := float64(i) / 20
		s1, s2 := math.Sin(2*t), math.Copysign(1, math.Sin(3*t))
		rows[i] = []float64{s1 + 0.5*s2, 0.3*s1 + s2}
	}
	ica := decomp.NewFastICA(2)
	S, err := ica.FitTransform(tensor.FromRows(rows))
	if err != nil {
		panic(err)
	}
	fmt.Println("sources:", S.Shape(), "mixing:", ica.Mixing.Shape(), "converged:", ica.Converged)
	// Output: sources: [400 2] mixing: [2 2] converged: true
}

func ExampleKernelPCA() {
	X := tensor.FromRows([][]float64{{0, 0}, {1, 0}, {0, 1}, {1, 1}, {5, 5}, {6, 5}})
	kp := decomp.NewKernelPCA(2, "rbf")
	kp.Gamma = 0.5
	Z, err := kp.FitTransform(X)
	if err != nil {
		panic(err)
	}
	fmt.Printf("eigenvalues %.3f, projection %v\n", kp.EigenvaluesLambdas.Float64s(), Z.Shape())
	// Output: eigenvalues [1.931 0.632], projection [6 2]
}
