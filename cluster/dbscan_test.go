package cluster_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/ember-ml/ember/cluster"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/tensor"
)

// TestDBSCANMatchesScikitLearn compares labels (exactly, noise −1 included) and core sample
// indices with sklearn's DBSCAN (testdata/golden/gen_cluster.py): blobs, uniform noise in
// 2-D and 3-D, all noise, and MinSamples 1.
func TestDBSCANMatchesScikitLearn(t *testing.T) {
	for _, c := range load(t).DBSCAN {
		db := cluster.NewDBSCAN()
		db.Eps, db.MinSamples = c.Eps, c.MinSamples
		if err := db.Fit(tensor.FromRows(c.X)); err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if got := ints(db.Labels.Int64s()); !slices.Equal(got, c.Labels) {
			t.Errorf("%s: labels differ from sklearn's", c.Name)
		}
		if got := ints(db.CoreSampleIndices.Int64s()); !slices.Equal(got, c.Core) {
			t.Errorf("%s: %d core samples, sklearn %d", c.Name, len(got), len(c.Core))
		}
		if db.Components.Size(0) != len(c.Core) {
			t.Errorf("%s: components shape %v", c.Name, db.Components.Shape())
		}
	}
}

// TestDBSCANLargeIsNotQuadratic clusters 20,000 2-D samples; memory stays O(samples), and
// the result is checked against the rule on a few samples by brute force.
func TestDBSCANLargeIsNotQuadratic(t *testing.T) {
	X, _ := synth.Blobs(20000, synth.NumCenters(4), synth.ClusterStd(1), synth.Seed(5))
	db := cluster.NewDBSCAN()
	db.Eps, db.MinSamples = 0.2, 10
	if err := db.Fit(X); err != nil {
		t.Fatal(err)
	}
	x := X.Float64s()
	core := map[int64]bool{}
	for _, i := range db.CoreSampleIndices.Int64s() {
		core[i] = true
	}
	labels := db.Labels.Int64s()
	for i := 0; i < 20000; i += 1999 {
		n := 0
		for j := range 20000 {
			if math.Hypot(x[2*i]-x[2*j], x[2*i+1]-x[2*j+1]) <= 0.2 {
				n++
			}
		}
		if (n >= 10) != core[int64(i)] || (n >= 10 && labels[i] < 0) {
			t.Errorf("sample %d: %d neighbours, core %v, label %d", i, n, core[int64(i)], labels[i])
		}
	}
}

func TestDBSCANRejectsBadInput(t *testing.T) {
	X := tensor.FromRows([][]float64{{0, 0}, {1, 1}})
	for name, c := range map[string]struct {
		eps float64
		ms  int
		X   *tensor.Tensor
	}{
		"eps 0":       {0, 5, X},
		"eps nan":     {math.NaN(), 5, X},
		"min samples": {0.5, 0, X},
		"nan X":       {0.5, 5, tensor.FromRows([][]float64{{0, math.NaN()}})},
		"1-D":         {0.5, 5, tensor.FromSlice([]float64{1, 2})},
	} {
		db := &cluster.DBSCAN{Eps: c.eps, MinSamples: c.ms}
		if _, err := db.FitPredict(c.X); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestAgglomerativeMatchesScikitLearn compares labels (up to renaming), the merge tree and
// its distances with sklearn's for every linkage, on blobs and on random data.
func TestAgglomerativeMatchesScikitLearn(t *testing.T) {
	for _, c := range load(t).Agglomerative {
		ag := cluster.NewAgglomerativeClustering(c.K)
		ag.Linkage = c.Linkage
		labels, err := ag.FitPredict(tensor.FromRows(c.X))
		if err != nil {
			t.Fatal(err)
		}
		name := c.Name + " " + c.Linkage
		if !samePartition(c.Labels, labels.Int64s()) {
			t.Errorf("%s: labels differ from sklearn's", name)
		}
		for i, want := range c.Children {
			want = [2]int{min(want[0], want[1]), max(want[0], want[1])}
			if ag.Children[i] != want || !relClose(ag.Distances[i], c.Distances[i], 1e-10) {
				t.Errorf("%s: merge %d is %v at %v, sklearn %v at %v", name, i, ag.Children[i], ag.Distances[i], want, c.Distances[i])
				break
			}
		}
	}
}

func TestAgglomerativeRejectsBadInput(t *testing.T) {
	X := tensor.FromRows([][]float64{{0, 0}, {1, 1}, {3, 3}})
	for name, set := range map[string]func(*cluster.AgglomerativeClustering){
		"k zero":  func(a *cluster.AgglomerativeClustering) { a.NClusters = 0 },
		"k > n":   func(a *cluster.AgglomerativeClustering) { a.NClusters = 4 },
		"linkage": func(a *cluster.AgglomerativeClustering) { a.Linkage = "median" },
	} {
		ag := cluster.NewAgglomerativeClustering(2)
		set(ag)
		if err := ag.Fit(X); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	ag := cluster.NewAgglomerativeClustering(2)
	ag.MaxSamples = 2
	if err := ag.Fit(X); err == nil || !strings.Contains(err.Error(), "MaxSamples") {
		t.Errorf("over budget: %v", err)
	}
	ag.MaxSamples = 20000
	if err := ag.Fit(X.Narrow(0, 0, 1)); err == nil {
		t.Error("one sample: no error")
	}
	if err := ag.Fit(tensor.FromRows([][]float64{{0, math.NaN()}, {1, 1}})); err == nil {
		t.Error("nan: no error")
	}
	ag.NClusters = 3
	labels, err := ag.FitPredict(X)
	if err != nil || !slices.Equal(labels.Int64s(), []int64{0, 1, 2}) {
		t.Errorf("k = n: %v %v", labels, err)
	}
}
