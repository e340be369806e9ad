package data_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/tensor"
)

func seq(n int) (*tensor.Tensor, *tensor.Tensor) {
	x := tensor.ArangeOf(tensor.Float32, 0, float64(2*n), 1).Reshape(n, 2)
	y := tensor.ArangeOf(tensor.Int64, 0, float64(n), 1)
	return x, y
}

func TestLoaderBatchesEveryRowOnce(t *testing.T) {
	x, y := seq(10)
	ds, _ := data.NewTensorDataset(x, y)
	for _, dropLast := range []bool{false, true} {
		opts := []data.LoaderOption{data.Shuffle(7)}
		if dropLast {
			opts = append(opts, data.DropLast())
		}
		l := data.Loader(ds, 4, opts...)
		var seen []int64
		var sizes []int
		for b := range l.All() {
			sizes = append(sizes, b.X.Size(0))
			for i, v := range b.Y.Int64s() {
				if b.X.At(i, 0) != float64(2*v) {
					t.Fatal("features and targets out of step")
				}
				seen = append(seen, v)
			}
		}
		want := []int{4, 4, 2}
		if dropLast {
			want = []int{4, 4}
		}
		if !slices.Equal(sizes, want) || l.Len() != len(want) {
			t.Fatalf("dropLast=%v: batch sizes %v (Len %d), want %v", dropLast, sizes, l.Len(), want)
		}
		if !dropLast {
			slices.Sort(seen)
			if !slices.Equal(seen, []int64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
				t.Fatalf("rows %v", seen)
			}
		}
	}
}

func TestShuffleChangesPerEpochReproducibly(t *testing.T) {
	x, y := seq(50)
	ds, _ := data.NewTensorDataset(x, y)
	epochs := func() [][]int64 {
		l := data.Loader(ds, 50, data.Shuffle(3))
		var out [][]int64
		for range 3 {
			for b := range l.All() {
				out = append(out, b.Y.Int64s())
			}
		}
		return out
	}
	a, b := epochs(), epochs()
	for e := range a {
		if !slices.Equal(a[e], b[e]) {
			t.Fatal("same seed gave different orders")
		}
	}
	if slices.Equal(a[0], a[1]) {
		t.Fatal("the order did not change between epochs")
	}
	l := data.Loader(ds, 50, data.Shuffle(3))
	l.SetEpoch(2)
	for batch := range l.All() {
		if !slices.Equal(batch.Y.Int64s(), a[2]) {
			t.Fatal("SetEpoch(2) does not replay epoch 2")
		}
	}
	plain := data.Loader(ds, 50)
	for batch := range plain.All() {
		if batch.Y.Int64s()[0] != 0 || batch.Y.Int64s()[49] != 49 {
			t.Fatal("unshuffled loader reordered rows")
		}
	}
}

func TestTrainTestSplit(t *testing.T) {
	x, _ := seq(100)
	y := tensor.FromSlice(append(make([]int64, 80), 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1))
	train, test, err := data.TrainTestSplit(x, y, 0.25, 42)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 75 || test.Len() != 25 {
		t.Fatalf("sizes %d/%d, want 75/25", train.Len(), test.Len())
	}
	_, test2, _ := data.TrainTestSplit(x, y, 0.25, 42)
	if !slices.Equal(test.Y.Int64s(), test2.Y.Int64s()) || !slices.Equal(test.X.Float32s(), test2.X.Float32s()) {
		t.Fatal("same seed gave different splits")
	}
	_, st, err := data.TrainTestSplit(x, y, 0.2, 1, data.Stratify())
	if err != nil {
		t.Fatal(err)
	}
	ones := 0
	for _, v := range st.Y.Int64s() {
		ones += int(v)
	}
	if st.Len() != 20 || ones != 4 {
		t.Fatalf("stratified test part: %d rows with %d positives, want 20 with 4", st.Len(), ones)
	}
	for _, bad := range []float64{0, 1.5, 100, -1} {
		if _, _, err := data.TrainTestSplit(x, y, bad, 1); err == nil {
			t.Errorf("test size %v accepted", bad)
		}
	}
	if _, _, err := data.TrainTestSplit(tensor.Zeros(2, 2), tensor.Zeros(3), 0.5, 1); err == nil {
		t.Error("row count mismatch accepted")
	}
}

func TestRandomSplit(t *testing.T) {
	x, y := seq(10)
	ds, _ := data.NewTensorDataset(x, y)
	parts, err := data.RandomSplit(ds, []float64{7, 3}, 1)
	if err != nil || parts[0].Len() != 7 || parts[1].Len() != 3 {
		t.Fatalf("split %v: %v", parts, err)
	}
	parts, err = data.RandomSplit(ds, []float64{0.75, 0.25}, 1)
	if err != nil || parts[0].Len()+parts[1].Len() != 10 {
		t.Fatalf("fractional split: %v", err)
	}
	if _, err := data.RandomSplit(ds, []float64{5, 6}, 1); err == nil {
		t.Fatal("sizes that don't sum to the length accepted")
	}
}

func TestScalersFitOnTrainOnly(t *testing.T) {
	train := tensor.FromRows([][]float32{{1, 10, 5}, {3, 30, 5}})
	var s data.StandardScaler
	z, err := s.FitTransform(train)
	if err != nil {
		t.Fatal(err)
	}
	if got := z.Float32s(); !slices.Equal(got, []float32{-1, -1, 0, 1, 1, 0}) {
		t.Fatalf("standardised %v", got)
	}
	test, _ := s.Transform(tensor.FromRows([][]float32{{5, 20, 6}}))
	if got := test.Float32s(); !slices.Equal(got, []float32{3, 0, 1}) {
		t.Fatalf("transform of new data uses the training statistics: got %v", got)
	}
	back, _ := s.InverseTransform(z)
	if got := back.Float32s(); !slices.Equal(got, train.Float32s()) {
		t.Fatalf("inverse %v", got)
	}
	var m data.MinMaxScaler
	mm, _ := m.FitTransform(train)
	if got := mm.Float32s(); !slices.Equal(got, []float32{0, 0, 0, 1, 1, 0}) {
		t.Fatalf("min-max %v", got)
	}
	if _, err := s.Transform(tensor.Zeros(1, 2)); err == nil {
		t.Fatal("feature count mismatch accepted")
	}
}

func TestLoadCSV(t *testing.T) {
	src := "sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n6.3,6.0,virginica\n4.9,1.5,setosa\n"
	tab, err := data.LoadCSV(strings.NewReader(src), data.CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tab.Features, []string{"sepal", "petal"}) || tab.Target != "species" {
		t.Fatalf("columns %v / %q", tab.Features, tab.Target)
	}
	if !slices.Equal(tab.Classes, []string{"setosa", "versicolor", "virginica"}) || !slices.Equal(tab.Y.Int64s(), []int64{0, 1, 2, 0}) {
		t.Fatalf("labels %v %v", tab.Classes, tab.Y)
	}
	tab, err = data.LoadCSV(strings.NewReader("a,b,c\n1,7,2\n2,8,3\n"), data.CSVOptions{Target: "b"})
	if err != nil || tab.Y.DType() != tensor.Float32 || math.Abs(tab.Y.At(1)-8) > 1e-6 || !slices.Equal(tab.Features, []string{"a", "c"}) {
		t.Fatalf("numeric target: %v %v", tab, err)
	}
	for name, c := range map[string]struct{ src, target, want string }{
		"bad value":      {"a,b\n1,2\nx,3\n", "", "line 3, column 1 (\"a\"): cannot parse \"x\""},
		"missing target": {"a,b\n1,2\n", "c", "target column \"c\" not found"},
		"ragged":         {"a,b\n1,2\n1\n", "", "line 3"},
		"empty":          {"", "", "empty"},
		"header only":    {"a,b\n", "", "no data rows"},
	} {
		_, err := data.LoadCSV(strings.NewReader(c.src), data.CSVOptions{Target: c.target})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
}

func FuzzLoadCSV(f *testing.F) {
	f.Add("a,b,c\n1,2,x\n3,4,y\n", "")
	f.Add("x,y\n1e3,-2\nNaN,0\n", "x")
	f.Add("\"q\"\"\",b\n\"1\",2\n", "b")
	f.Fuzz(func(t *testing.T, src, target string) {
		tab, err := data.LoadCSV(strings.NewReader(src), data.CSVOptions{Target: target, MaxRows: 1000})
		if err != nil {
			return
		}
		if tab.X.Size(0) != tab.Y.Size(0) || tab.X.Size(1) != len(tab.Features) {
			t.Fatalf("inconsistent table: X %v, Y %v, %d features", tab.X.Shape(), tab.Y.Shape(), len(tab.Features))
		}
	})
}
