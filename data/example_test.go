package data_test

import (
	"fmt"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/tensor"
)

// Split 10 rows 70/30, then read the training part in batches of 3.
func ExampleTrainTestSplit() {
	x := tensor.ArangeOf(tensor.Float32, 0, 20, 1).Reshape(10, 2)
	y := tensor.FromSlice([]int64{0, 0, 0, 0, 0, 1, 1, 1, 1, 1})
	train, test, err := data.TrainTestSplit(x, y, 0.3, 42)
	if err != nil {
		panic(err)
	}
	fmt.Println("train", train.Len(), "test", test.Len())
	for b := range data.Loader(train, 3, data.Shuffle(1)).All() {
		fmt.Println(b.X.Shape(), b.Y.Shape())
	}
	// Output:
	// train 7 test 3
	// [3 2] [3]
	// [3 2] [3]
	// [1 2] [1]
}

// Stratify keeps each class's share: classes of 2, 2 and 5 rows give one test row each.
func ExampleStratify() {
	x := tensor.Zeros(9, 1)
	y := tensor.FromSlice([]int64{0, 0, 1, 1, 2, 2, 2, 2, 2})
	_, test, err := data.TrainTestSplit(x, y, 0.3, 7, data.Stratify())
	if err != nil {
		panic(err)
	}
	counts := make([]int, 3)
	for _, c := range test.Y.Int64s() {
		counts[c]++
	}
	fmt.Println(counts)
	// Output: [1 1 1]
}

func ExampleStandardScaler() {
	train := tensor.FromRows([][]float64{{1, 10, 5}, {3, 30, 5}, {5, 50, 5}})
	var s data.StandardScaler
	if err := s.Fit(train); err != nil {
		panic(err)
	}
	fmt.Printf("mean %.4g scale %.4g\n", s.Mean.Float64s(), s.Scale.Float64s())
	z, _ := s.Transform(tensor.FromRows([][]float64{{3, 10, 6}}))
	fmt.Printf("%.4g\n", z.Float64s())
	// Output:
	// mean [3 30 5] scale [1.633 16.33 1]
	// [0 -1.225 1]
}

func ExampleMinMaxScaler() {
	s := data.MinMaxScaler{Min: -1, Max: 1}
	z, err := s.FitTransform(tensor.FromRows([][]float64{{0, 7}, {5, 7}, {10, 7}}))
	if err != nil {
		panic(err)
	}
	fmt.Println(z.Float64s())
	// Output: [-1 -1 0 -1 1 -1]
}

// Batches of a dataset in its own order; with Shuffle(seed) the order changes every epoch but
// is the same from run to run.
func ExampleLoader() {
	x := tensor.ArangeOf(tensor.Float32, 0, 5, 1).Reshape(5, 1)
	ds, _ := data.NewTensorDataset(x, x)
	loader := data.Loader(ds, 2)
	for b := range loader.All() {
		fmt.Println(b.Y.Float32s())
	}
	fmt.Println(loader.Len(), "batches")
	// Output:
	// [0 1]
	// [2 3]
	// [4]
	// 3 batches
}
