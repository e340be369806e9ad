package cluster_test

import (
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ember-ml/ember/cluster"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/metrics"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

// goldenMore is testdata/golden/cluster_more.json (gen_cluster_more.py).
type goldenMore struct {
	Spectral []struct {
		Name           string
		X              [][]float64
		Y              []int
		K              int
		Affinity       string
		Gamma          float64
		NNeighbors     int `json:"n_neighbors"`
		Labels         []int
		AffinityMatrix [][]float64 `json:"affinity_matrix"`
	}
	SpectralEmbedding struct {
		Affinity      [][]float64
		K             int
		Embedding     [][]float64
		EmbeddingDrop [][]float64 `json:"embedding_drop"`
	} `json:"spectral_embedding"`
	MeanShift         []meanShiftCase `json:"meanshift"`
	EstimateBandwidth []struct {
		Name      string
		X         [][]float64
		Quantile  float64
		Bandwidth float64
	} `json:"estimate_bandwidth"`
	GMMData map[string][][]float64 `json:"gmm_data"`
	GMM     []gmmCase
}

var (
	moreOnce sync.Once
	moreData goldenMore
	moreErr  error
)

func loadMore(t *testing.T) goldenMore {
	t.Helper()
	moreOnce.Do(func() {
		moreErr = tensortest.LoadJSON("../testdata/golden/cluster_more.json", &moreData)
	})
	if moreErr != nil {
		t.Fatal(moreErr)
	}
	return moreData
}

// TestSpectralClusteringMatchesScikitLearn: on data sklearn separates (circles with an rbf
// affinity, moons with a k-NN graph, blobs) the labels equal sklearn's up to renaming, and
// the affinity matrix equals sklearn's.
func TestSpectralClusteringMatchesScikitLearn(t *testing.T) {
	for _, c := range loadMore(t).Spectral {
		sc := cluster.NewSpectralClustering(c.K)
		sc.Affinity, sc.Gamma, sc.NNeighbors = c.Affinity, c.Gamma, c.NNeighbors
		if err := sc.Fit(tensor.FromRows(c.X)); err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if !samePartition(c.Labels, sc.Labels.Int64s()) {
			ari := metrics.AdjustedRandScoreOf(c.Labels, toInts(sc.Labels.Int64s()))
			t.Errorf("%s: labels differ from sklearn's (ARI %v)", c.Name, ari)
		}
		n := len(c.X)
		if got := sc.AffinityMatrix.Shape(); got[0] != n || got[1] != n {
			t.Fatalf("%s: affinity shape %v", c.Name, got)
		}
		var corner [][]float64
		for _, row := range rowsOf(sc.AffinityMatrix)[:10] {
			corner = append(corner, row[:10])
		}
		assertClose(t, c.Name+" affinity", tensor.FromRows(corner), tensor.FromRows(c.AffinityMatrix))
	}
}

func toInts(v []int64) []int {
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(x)
	}
	return out
}

// TestSpectralEmbeddingMatchesScikitLearn compares the embedding of a small affinity with
// distinct eigenvalues to sklearn's spectral_embedding (drop_first false and true): equal up
// to the sign of each column (in practice equal, the sign rule being the same).
func TestSpectralEmbeddingMatchesScikitLearn(t *testing.T) {
	g := loadMore(t).SpectralEmbedding
	A := tensor.FromRows(g.Affinity)
	for _, drop := range []bool{false, true} {
		want := g.Embedding
		if drop {
			want = g.EmbeddingDrop
		}
		emb, err := cluster.SpectralEmbedding(A, g.K, drop)
		if err != nil {
			t.Fatal(err)
		}
		got := rowsOf(emb)
		if len(got) != len(want) || len(got[0]) != len(want[0]) {
			t.Fatalf("drop %v: shape %v, want [%d %d]", drop, emb.Shape(), len(want), len(want[0]))
		}
		for c := range want[0] {
			if big := largestMagnitude(got, c); big < 0 {
				t.Errorf("drop %v: column %d's largest entry %v is negative", drop, c, big)
			}
			sign := 1.0
			if got[0][c]*want[0][c] < 0 {
				sign = -1
			}
			for i := range want {
				if math.Abs(sign*got[i][c]-want[i][c]) > 1e-7 {
					t.Fatalf("drop %v: embedding[%d][%d] = %v, sklearn %v", drop, i, c, got[i][c], want[i][c])
				}
			}
		}
	}
}

// largestMagnitude returns the first entry of column c of largest magnitude.
func largestMagnitude(rows [][]float64, c int) float64 {
	big := rows[0][c]
	for _, r := range rows {
		if math.Abs(r[c]) > math.Abs(big) {
			big = r[c]
		}
	}
	return big
}

// TestSpectralNearestNeighborsAffinity: 0.5·(C+Cᵀ) for a connectivity C with NNeighbors
// entries per row, self included: values in {0, 0.5, 1}, symmetric, diagonal 1, total
// n·NNeighbors.
func TestSpectralNearestNeighborsAffinity(t *testing.T) {
	X, _ := synth.Moons(120, synth.Noise(0.1), synth.Seed(3))
	sc := cluster.NewSpectralClustering(2)
	sc.Affinity, sc.NNeighbors = "nearest_neighbors", 7
	if err := sc.Fit(X); err != nil {
		t.Fatal(err)
	}
	a := rowsOf(sc.AffinityMatrix)
	total := 0.0
	for i, row := range a {
		if row[i] != 1 {
			t.Fatalf("diagonal %d = %v", i, row[i])
		}
		for j, v := range row {
			if v != 0 && v != 0.5 && v != 1 || v != a[j][i] {
				t.Fatalf("affinity[%d][%d] = %v, [%d][%d] = %v", i, j, v, j, i, a[j][i])
			}
			total += v
		}
	}
	if total != 120*7 {
		t.Errorf("total %v, want %d", total, 120*7)
	}
}

// rowsOf returns a float64 [n, d] tensor as rows.
func rowsOf(t *tensor.Tensor) [][]float64 {
	n, d := t.Size(0), t.Size(1)
	v := t.Float64s()
	out := make([][]float64, n)
	for i := range out {
		out[i] = v[i*d : (i+1)*d]
	}
	return out
}

// TestSpectralSeparatesCircles: the rbf affinity separates concentric circles that KMeans
// cannot, and the same seed gives the same labels.
func TestSpectralSeparatesCircles(t *testing.T) {
	X, y := synth.Circles(400, synth.Noise(0.05), synth.Factor(0.5), synth.Seed(1))
	sc := cluster.NewSpectralClustering(2)
	sc.Gamma = 50
	labels, err := sc.FitPredict(X)
	if err != nil {
		t.Fatal(err)
	}
	if ari, _ := metrics.AdjustedRandScore(y, labels); ari != 1 {
		t.Errorf("ARI %v, want 1", ari)
	}
	again := cluster.NewSpectralClustering(2)
	again.Gamma = 50
	if err := again.Fit(X); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(labels.Int64s(), again.Labels.Int64s()) {
		t.Error("two fits with the same seed differ")
	}
}

// TestSpectralEmbeddingIsolatedNode: a sample with no affinity to the others gets degree 1,
// as in scikit-learn, and the embedding stays finite.
func TestSpectralEmbeddingIsolatedNode(t *testing.T) {
	A := tensor.FromRows([][]float64{{1, 1, 0}, {1, 1, 0}, {0, 0, 1}})
	emb, err := cluster.SpectralEmbedding(A, 2, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range emb.Float64s() {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("embedding %v", emb)
		}
	}
}

func TestSpectralErrors(t *testing.T) {
	X := tensor.FromRows([][]float64{{0, 0}, {1, 1}, {2, 2}, {3, 3}})
	cases := []struct {
		name string
		set  func(*cluster.SpectralClustering)
		X    *tensor.Tensor
		want string
	}{
		{"k0", func(s *cluster.SpectralClustering) { s.NClusters = 0 }, X, "NClusters"},
		{"too many clusters", func(s *cluster.SpectralClustering) { s.NClusters = 5 }, X, "n_clusters"},
		{"budget", func(s *cluster.SpectralClustering) { s.MaxSamples = 3 }, X, "MaxSamples"},
		{"affinity", func(s *cluster.SpectralClustering) { s.Affinity = "cosine" }, X, "Affinity"},
		{"gamma", func(s *cluster.SpectralClustering) { s.Gamma = math.NaN() }, X, "Gamma"},
		{"neighbours", func(s *cluster.SpectralClustering) { s.Affinity, s.NNeighbors = "nearest_neighbors", 5 }, X, "NNeighbors"},
		{"assign", func(s *cluster.SpectralClustering) { s.AssignLabels = "discretize" }, X, "AssignLabels"},
		{"ninit", func(s *cluster.SpectralClustering) { s.NInit = 0 }, X, "NInit"},
		{"nan", func(*cluster.SpectralClustering) {}, tensor.FromRows([][]float64{{0, math.NaN()}, {1, 1}}), "NaN"},
		{"1-D", func(*cluster.SpectralClustering) {}, tensor.FromSlice([]float64{1, 2, 3}, 3), "2-D"},
		{"one sample", func(*cluster.SpectralClustering) {}, tensor.FromRows([][]float64{{1, 2}}), "at least 2"},
	}
	for _, c := range cases {
		sc := cluster.NewSpectralClustering(2)
		c.set(sc)
		if err := sc.Fit(c.X); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
	embCases := []struct {
		name string
		A    *tensor.Tensor
		k    int
		drop bool
	}{
		{"not square", tensor.FromRows([][]float64{{1, 0, 0}, {0, 1, 0}}), 1, false},
		{"asymmetric", tensor.FromRows([][]float64{{1, 0.5}, {0.2, 1}}), 1, false},
		{"negative", tensor.FromRows([][]float64{{1, -1}, {-1, 1}}), 1, false},
		{"k too large", tensor.FromRows([][]float64{{1, 1}, {1, 1}}), 2, true},
		{"k0", tensor.FromRows([][]float64{{1, 1}, {1, 1}}), 0, false},
	}
	for _, c := range embCases {
		if _, err := cluster.SpectralEmbedding(c.A, c.k, c.drop); err == nil {
			t.Errorf("embedding %s: no error", c.name)
		}
	}
}
