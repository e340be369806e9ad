package features_test

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/features"
	"github.com/ember-ml/ember/tensor"
)

func ExamplePolynomialFeatures() {
	X := tensor.FromRows([][]float64{{2, 3}})
	p := features.NewPolynomialFeatures(2)
	Z, err := p.FitTransform(X)
	if err != nil {
		panic(err)
	}
	names, _ := p.GetFeatureNamesOut(nil)
	fmt.Println(names)
	fmt.Println(Z.Float64s())
	// Output:
	// [1 x0 x1 x0^2 x0 x1 x1^2]
	// [1 2 3 4 6 9]
}

func ExampleOneHotEncoder() {
	X := tensor.FromRows([][]int64{{0, 10}, {1, 20}, {2, 10}})
	e := features.NewOneHotEncoder()
	e.Drop = "if_binary"
	Z, err := e.FitTransform(X)
	if err != nil {
		panic(err)
	}
	names, _ := e.GetFeatureNamesOut([]string{"size", "city"})
	fmt.Println(names)
	fmt.Println(Z.Float64s())
	// Output:
	// [size_0 size_1 size_2 city_20]
	// [1 0 0 0 0 1 0 1 0 0 1 0]
}

func ExampleLabelEncoder() {
	var le features.LabelEncoder[string]
	codes, err := le.FitTransform([]string{"paris", "paris", "tokyo", "amsterdam"})
	if err != nil {
		panic(err)
	}
	back, _ := le.InverseTransform(tensor.FromSlice([]int64{2, 0}))
	fmt.Println(le.Classes, codes.Int64s(), back)
	// Output: [amsterdam paris tokyo] [1 1 2 0] [tokyo amsterdam]
}

func ExampleSimpleImputer() {
	nan := math.NaN()
	X := tensor.FromRows([][]float64{{1, 2}, {nan, 3}, {7, nan}, {4, 3}})
	imp := features.NewSimpleImputer("median")
	Z, err := imp.FitTransform(X)
	if err != nil {
		panic(err)
	}
	fmt.Println(imp.Statistics.Float64s(), Z.Float64s())
	// Output: [4 3] [1 2 4 3 7 3 4 3]
}

func ExampleRBF() {
	centres := tensor.FromRows([][]float64{{0, 0}, {1, 1}})
	Z, err := features.RBF{Centers: centres, Gamma: 0.5}.Transform(tensor.FromRows([][]float64{{0, 0}}))
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.4f\n", Z.Float64s())
	// Output: [1.0000 0.3679]
}
