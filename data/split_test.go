package data_test

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

// dataGolden is testdata/golden/data.json, written by gen_data.py with scikit-learn.
type dataGolden struct {
	Splits []struct {
		Sizes      []int
		TestSize   float64 `json:"test_size"`
		NTest      int     `json:"n_test"`
		TestCounts [][]int `json:"test_counts"` // every outcome sklearn gives over 200 seeds
	}
	StandardScaler []struct {
		X           [][]float64
		DType       string
		Mean, Scale []float64
		Z           [][]float64
	} `json:"standard_scaler"`
	MinMaxScaler []struct {
		X          [][]float64
		DType      string
		Scale, Min []float64
		Z          [][]float64
	} `json:"minmax_scaler"`
}

func loadDataGolden(t *testing.T) dataGolden {
	t.Helper()
	var g dataGolden
	if err := tensortest.LoadJSON("../testdata/golden/data.json", &g); err != nil {
		t.Fatal(err)
	}
	return g
}

// labelsFor returns sizes[c] rows of each class c, interleaved so row order carries no class.
func labelsFor(sizes []int) []int64 {
	var y []int64
	left := slices.Clone(sizes)
	for more := true; more; {
		more = false
		for c := range left {
			if left[c] > 0 {
				y = append(y, int64(c))
				left[c]--
				more = true
			}
		}
	}
	return y
}

func classCounts(y []int64, k int) []int {
	n := make([]int, k)
	for _, v := range y {
		n[v]++
	}
	return n
}

// TestStratifiedSplitCountsMatchScikitLearn checks the number of test rows of each class
// against train_test_split(stratify=y); the rows drawn differ (another random generator).
func TestStratifiedSplitCountsMatchScikitLearn(t *testing.T) {
	for _, c := range loadDataGolden(t).Splits {
		t.Run(fmt.Sprintf("%v/%v", c.Sizes, c.TestSize), func(t *testing.T) {
			y := labelsFor(c.Sizes)
			x := tensor.ArangeOf(tensor.Float32, 0, float64(len(y)), 1).Reshape(len(y), 1)
			for seed := range uint64(20) {
				train, test, err := data.TrainTestSplit(x, tensor.FromSlice(y, len(y)), c.TestSize, seed, data.Stratify())
				if err != nil {
					t.Fatal(err)
				}
				got := classCounts(test.Y.Int64s(), len(c.Sizes))
				if test.Len() != c.NTest || !slices.ContainsFunc(c.TestCounts, func(w []int) bool { return slices.Equal(w, got) }) {
					t.Fatalf("seed %d: %d test rows per class %v; sklearn gives %d rows as one of %v", seed, test.Len(), got, c.NTest, c.TestCounts)
				}
				rows := append(train.X.Float32s(), test.X.Float32s()...)
				slices.Sort(rows)
				for i, r := range rows {
					if r != float32(i) {
						t.Fatalf("seed %d: train and test rows are not a partition: %v", seed, rows)
					}
				}
			}
		})
	}
}

func TestStratifiedSplitSmallClasses(t *testing.T) {
	// Classes of 2, 2 and 5 rows with test size 0.3: 3 test rows, one of each class
	// (largest-remainder allocation of the test rows alone gave [1 0 2]).
	y := tensor.FromSlice([]int64{2, 0, 2, 1, 2, 0, 2, 1, 2})
	x := tensor.Zeros(9, 2)
	for seed := range uint64(10) {
		_, test, err := data.TrainTestSplit(x, y, 0.3, seed, data.Stratify())
		if err != nil {
			t.Fatal(err)
		}
		if got := classCounts(test.Y.Int64s(), 3); !slices.Equal(got, []int{1, 1, 1}) {
			t.Fatalf("seed %d: test rows per class %v, want [1 1 1]", seed, got)
		}
	}
	a, _, _ := data.TrainTestSplit(tensor.ArangeOf(tensor.Float32, 0, 9, 1).Reshape(9, 1), y, 0.3, 4, data.Stratify())
	b, _, _ := data.TrainTestSplit(tensor.ArangeOf(tensor.Float32, 0, 9, 1).Reshape(9, 1), y, 0.3, 4, data.Stratify())
	if !slices.Equal(a.X.Float32s(), b.X.Float32s()) {
		t.Fatal("same seed gave different stratified splits")
	}
	for name, c := range map[string]struct {
		y    []int64
		size float64
	}{
		"one member":          {[]int64{0, 0, 0, 1, 2, 2}, 0.5},
		"test below classes":  {[]int64{0, 0, 1, 1, 2, 2, 2, 2}, 2},
		"train below classes": {[]int64{0, 0, 1, 1, 2, 2, 2, 2}, 6},
	} {
		if _, _, err := data.TrainTestSplit(tensor.Zeros(len(c.y), 1), tensor.FromSlice(c.y, len(c.y)), c.size, 1, data.Stratify()); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func matrix(rows [][]float64, dtype string) *tensor.Tensor {
	m := tensor.FromRows(rows)
	if dtype == "float32" {
		return m.To(tensor.Float32)
	}
	return m
}

func closeTo(got, want []float64, dtype string) bool {
	tol := 1e-12
	if dtype == "float32" {
		tol = 1e-6
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > tol*math.Max(1, math.Abs(want[i])) {
			return false
		}
	}
	return len(got) == len(want)
}

func flat(rows [][]float64) []float64 { return slices.Concat(rows...) }

func TestStandardScalerNearConstantFeatures(t *testing.T) {
	for i, c := range loadDataGolden(t).StandardScaler {
		var s data.StandardScaler
		z, err := s.FitTransform(matrix(c.X, c.DType))
		if err != nil {
			t.Fatal(err)
		}
		if !closeTo(s.Mean.Float64s(), c.Mean, c.DType) || !closeTo(s.Scale.Float64s(), c.Scale, c.DType) {
			t.Errorf("case %d (%s): mean %v scale %v, sklearn %v %v", i, c.DType, s.Mean.Float64s(), s.Scale.Float64s(), c.Mean, c.Scale)
		}
		if !closeTo(z.Float64s(), flat(c.Z), c.DType) {
			t.Errorf("case %d (%s): transform %v, sklearn %v", i, c.DType, z.Float64s(), flat(c.Z))
		}
	}
	// Seven 0.1s have a float64 std of 1.4e-17, within rounding of 0: constant, scale 1.
	var s data.StandardScaler
	z, _ := s.FitTransform(tensor.FullOf(tensor.Float64, 0.1, 7, 1))
	if s.Scale.At(0) != 1 || math.Abs(z.At(3, 0)) > 1e-16 {
		t.Fatalf("seven 0.1s: scale %v, transform %v", s.Scale.At(0), z.Float64s())
	}
}

func TestMinMaxScalerNearConstantFeatures(t *testing.T) {
	for i, c := range loadDataGolden(t).MinMaxScaler {
		var s data.MinMaxScaler
		z, err := s.FitTransform(matrix(c.X, c.DType))
		if err != nil {
			t.Fatal(err)
		}
		if !closeTo(z.Float64s(), flat(c.Z), c.DType) {
			t.Errorf("case %d (%s): transform %v, sklearn %v", i, c.DType, z.Float64s(), flat(c.Z))
		}
	}
}
