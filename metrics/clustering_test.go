package metrics_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/metrics"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

type clusterScore struct {
	Value *float64
	Error string
}

type clusterGolden struct {
	LabelPairs []struct {
		Name     string
		A, B     []int64
		ARI, NMI float64
	} `json:"label_pairs"`
	Internal []struct {
		Name             string
		X                [][]float64
		Labels           []int64
		Silhouette       clusterScore
		DaviesBouldin    clusterScore `json:"davies_bouldin"`
		CalinskiHarabasz clusterScore `json:"calinski_harabasz"`
	}
}

func loadCluster(t *testing.T) clusterGolden {
	t.Helper()
	var g clusterGolden
	if err := tensortest.LoadJSON("../testdata/golden/cluster.json", &g); err != nil {
		t.Fatal(err)
	}
	return g
}

// TestPairScoresMatchScikitLearn compares ARI and NMI with testdata/golden/gen_cluster.py.
func TestPairScoresMatchScikitLearn(t *testing.T) {
	for _, c := range loadCluster(t).LabelPairs {
		a, b := tensor.FromSlice(c.A), tensor.FromSlice(c.B)
		ari, err := metrics.AdjustedRandScore(a, b)
		if err != nil || math.Abs(ari-c.ARI) > 1e-10 {
			t.Errorf("%s: ARI = %v, %v; sklearn %v", c.Name, ari, err, c.ARI)
		}
		nmi, err := metrics.NormalizedMutualInfoScore(a, b)
		if err != nil || math.Abs(nmi-c.NMI) > 1e-10 {
			t.Errorf("%s: NMI = %v, %v; sklearn %v", c.Name, nmi, err, c.NMI)
		}
	}
}

// TestInternalScoresMatchScikitLearn compares the silhouette, Davies-Bouldin and
// Calinski-Harabasz scores (values and errors) with testdata/golden/gen_cluster.py.
func TestInternalScoresMatchScikitLearn(t *testing.T) {
	for _, c := range loadCluster(t).Internal {
		X := tensor.FromRows(c.X)
		y := tensor.FromSlice(c.Labels)
		for _, s := range []struct {
			name string
			f    func(X, y *tensor.Tensor) (float64, error)
			want clusterScore
		}{
			{"silhouette", metrics.SilhouetteScore, c.Silhouette},
			{"davies_bouldin", metrics.DaviesBouldinScore, c.DaviesBouldin},
			{"calinski_harabasz", metrics.CalinskiHarabaszScore, c.CalinskiHarabasz},
		} {
			got, err := s.f(X, y)
			if s.want.Value == nil {
				if err == nil || !strings.Contains(err.Error(), "number of labels") {
					t.Errorf("%s %s: got %v, %v; sklearn raised %q", c.Name, s.name, got, err, s.want.Error)
				}
				continue
			}
			if err != nil || math.Abs(got-*s.want.Value) > 1e-10*math.Max(1, math.Abs(*s.want.Value)) {
				t.Errorf("%s %s: got %v, %v; sklearn %v", c.Name, s.name, got, err, *s.want.Value)
			}
		}
	}
}

func TestClusteringScoresRejectBadInput(t *testing.T) {
	X := tensor.FromRows([][]float64{{0, 0}, {1, 1}, {2, 2}, {3, 3}})
	y := tensor.FromSlice([]int64{0, 0, 1, 1})
	nan := tensor.FromRows([][]float64{{0, 0}, {1, math.NaN()}, {2, 2}, {3, 3}})
	cases := map[string]func() error{
		"nan X": func() error { _, err := metrics.SilhouetteScore(nan, y); return err },
		"1-D X": func() error {
			_, err := metrics.DaviesBouldinScore(tensor.FromSlice([]float64{1, 2, 3, 4}), y)
			return err
		},
		"length": func() error { _, err := metrics.CalinskiHarabaszScore(X, y.Narrow(0, 0, 3)); return err },
		"float labels": func() error {
			_, err := metrics.SilhouetteScore(X, tensor.FromSlice([]float64{0, 0.5, 1, 1}))
			return err
		},
		"ari length": func() error { _, err := metrics.AdjustedRandScore(y, y.Narrow(0, 0, 3)); return err },
		"nmi empty": func() error {
			_, err := metrics.NormalizedMutualInfoScore(y.Narrow(0, 0, 0), y.Narrow(0, 0, 0))
			return err
		},
	}
	for name, f := range cases {
		if err := f(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestAdjustedRandScoreLargeInputs checks that pair counts beyond int64 products stay exact:
// a perfect match of 200,000 samples scores 1 and a relabelled copy too.
func TestAdjustedRandScoreLargeInputs(t *testing.T) {
	n := 200000
	a, b := make([]int, n), make([]int, n)
	for i := range a {
		a[i] = i % 7
		b[i] = (i%7 + 3) % 7
	}
	if got := metrics.AdjustedRandScoreOf(a, b); got != 1 {
		t.Fatalf("ARI of a relabelling = %v, want 1", got)
	}
	b[0] = (b[0] + 1) % 7
	if got := metrics.AdjustedRandScoreOf(a, b); got >= 1 || got < 0.9999 {
		t.Fatalf("ARI with one change = %v, want just below 1", got)
	}
}

func ExampleAdjustedRandScore() {
	truth := tensor.FromSlice([]int64{0, 0, 1, 1, 2, 2})
	found := tensor.FromSlice([]int64{1, 1, 0, 0, 2, 2}) // the same partition, renamed
	ari, _ := metrics.AdjustedRandScore(truth, found)
	nmi, _ := metrics.NormalizedMutualInfoScore(truth, tensor.FromSlice([]int64{0, 0, 1, 1, 1, 1}))
	fmt.Printf("ARI %.2f NMI %.4f\n", ari, nmi)
	// Output: ARI 1.00 NMI 0.7337
}

func ExampleSilhouetteScore() {
	X, y := synth.Blobs(300, synth.Seed(1))
	s, err := metrics.SilhouetteScore(X, y)
	if err != nil {
		panic(err)
	}
	fmt.Println(s > 0.5)
	// Output: true
}
