package cluster_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/ember-ml/ember/cluster"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

type gmmCase struct {
	Name               string
	Data               string
	K                  int
	CovarianceType     string      `json:"covariance_type"`
	MaxIter            int         `json:"max_iter"`
	WeightsInit        []float64   `json:"weights_init"`
	MeansInit          [][]float64 `json:"means_init"`
	PrecisionsInit     any         `json:"precisions_init"`
	Weights            []float64
	Means              [][]float64
	Covariances        []float64
	PrecisionsCholesky []float64 `json:"precisions_cholesky"`
	Precisions         []float64
	Converged          bool
	NIter              int     `json:"n_iter"`
	LowerBound         float64 `json:"lower_bound"`
	Predict            []int64
	PredictProba       [][]float64 `json:"predict_proba"`
	ScoreSamples       []float64   `json:"score_samples"`
	Score              float64
	BIC, AIC           float64
}

// precisionsTensor returns the nested JSON list as a float64 tensor.
func precisionsTensor(v any) *tensor.Tensor {
	var shape []int
	var flat []float64
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		switch x := v.(type) {
		case []any:
			if len(shape) == depth {
				shape = append(shape, len(x))
			}
			for _, e := range x {
				walk(e, depth+1)
			}
		case float64:
			flat = append(flat, x)
		}
	}
	walk(v, 0)
	return tensor.FromSlice(flat, shape...)
}

func gmmFromCase(c gmmCase) *cluster.GaussianMixture {
	gm := cluster.NewGaussianMixture(c.K)
	gm.CovarianceType, gm.MaxIter = c.CovarianceType, c.MaxIter
	gm.WeightsInit = tensor.FromSlice(c.WeightsInit, len(c.WeightsInit))
	gm.MeansInit = tensor.FromRows(c.MeansInit)
	gm.PrecisionsInit = precisionsTensor(c.PrecisionsInit)
	return gm
}

// TestGaussianMixtureMatchesScikitLearn replays sklearn's EM from the same initial weights,
// means and precisions, for the four covariance types, stopped after 1, 5 or ≤ 100
// iterations: parameters, PredictProba and ScoreSamples within 1e-6, identical Predict,
// NIter and Converged, BIC and AIC within 1e-6 relative.
func TestGaussianMixtureMatchesScikitLearn(t *testing.T) {
	g := loadMore(t)
	for _, c := range g.GMM {
		name := c.Name + " " + c.CovarianceType
		X := tensor.FromRows(g.GMMData[c.Data])
		gm := gmmFromCase(c)
		if err := gm.Fit(X); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		const tol = 1e-6
		check := func(what string, got, want *tensor.Tensor) {
			t.Helper()
			if err := tensortest.Close(got.Reshape(-1), want.Reshape(-1), tol, tol); err != nil {
				t.Errorf("%s max_iter %d: %s: %v", name, c.MaxIter, what, err)
			}
		}
		check("weights", gm.Weights, tensor.FromSlice(c.Weights, len(c.Weights)))
		check("means", gm.Means, tensor.FromRows(c.Means))
		check("covariances", gm.Covariances, tensor.FromSlice(c.Covariances, len(c.Covariances)))
		check("precisions cholesky", gm.PrecisionsCholesky, tensor.FromSlice(c.PrecisionsCholesky, len(c.PrecisionsCholesky)))
		check("precisions", gm.Precisions, tensor.FromSlice(c.Precisions, len(c.Precisions)))
		if gm.NIter != c.NIter || gm.Converged != c.Converged || !relClose(gm.LowerBound, c.LowerBound, tol) {
			t.Errorf("%s max_iter %d: NIter %d converged %v lower bound %v; sklearn %d %v %v", name, c.MaxIter,
				gm.NIter, gm.Converged, gm.LowerBound, c.NIter, c.Converged, c.LowerBound)
		}
		pred, err := gm.Predict(X)
		if err != nil || !slices.Equal(pred.Int64s(), c.Predict) {
			t.Errorf("%s max_iter %d: predict differs (%v)", name, c.MaxIter, err)
		}
		proba, err := gm.PredictProba(X)
		if err != nil {
			t.Fatal(err)
		}
		check("predict proba", proba, tensor.FromRows(c.PredictProba))
		ss, err := gm.ScoreSamples(X)
		if err != nil {
			t.Fatal(err)
		}
		check("score samples", ss, tensor.FromSlice(c.ScoreSamples, len(c.ScoreSamples)))
		score, _ := gm.Score(X)
		bic, _ := gm.BIC(X)
		aic, _ := gm.AIC(X)
		if !relClose(score, c.Score, tol) || !relClose(bic, c.BIC, tol) || !relClose(aic, c.AIC, tol) {
			t.Errorf("%s max_iter %d: score %v bic %v aic %v; sklearn %v %v %v", name, c.MaxIter, score, bic, aic, c.Score, c.BIC, c.AIC)
		}
	}
}

// TestGaussianMixtureInits: the k-means initialisation recovers well-separated blobs (means
// near the true centres); the random one (responsibilities near uniform, so EM starts by all
// means near the global mean, as in scikit-learn) gives a valid but lower optimum; the same
// seed gives the same fit.
func TestGaussianMixtureInits(t *testing.T) {
	centers := [][]float64{{-6, 0}, {0, 6}, {6, 0}}
	X, _ := synth.Blobs(600, synth.Centers(centers), synth.ClusterStd(0.8), synth.Seed(4))
	for _, cov := range []string{"full", "tied", "diag", "spherical"} {
		lb := map[string]float64{}
		for _, init := range []string{"kmeans", "random"} {
			gm := cluster.NewGaussianMixture(3)
			gm.InitParams, gm.CovarianceType, gm.NInit, gm.RandomState = init, cov, 3, 7
			if err := gm.Fit(X); err != nil {
				t.Fatalf("%s %s: %v", init, cov, err)
			}
			if !gm.Converged || math.IsNaN(gm.LowerBound) || math.Abs(sumOf(gm.Weights.Float64s())-1) > 1e-12 {
				t.Errorf("%s %s: converged %v in %d iterations, lower bound %v, weights %v", init, cov,
					gm.Converged, gm.NIter, gm.LowerBound, gm.Weights)
			}
			lb[init] = gm.LowerBound
			again := cluster.NewGaussianMixture(3)
			again.InitParams, again.CovarianceType, again.NInit, again.RandomState = init, cov, 3, 7
			if err := again.Fit(X); err != nil {
				t.Fatal(err)
			}
			if again.LowerBound != gm.LowerBound {
				t.Errorf("%s %s: same seed, lower bounds %v and %v", init, cov, gm.LowerBound, again.LowerBound)
			}
			if init == "random" {
				continue
			}
			means := rowsOf(gm.Means)
			for _, c := range centers {
				best := math.Inf(1)
				for _, m := range means {
					best = min(best, math.Hypot(m[0]-c[0], m[1]-c[1]))
				}
				if best > 0.3 {
					t.Errorf("%s %s: no mean near %v: %v", init, cov, c, means)
				}
			}
		}
		if lb["random"] > lb["kmeans"]+1e-9 {
			t.Errorf("%s: random initialisation's lower bound %v above k-means' %v", cov, lb["random"], lb["kmeans"])
		}
	}
}

func sumOf(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

// TestGaussianMixtureBICChoosesK: on 3 blobs BIC is lowest with 3 components.
func TestGaussianMixtureBICChoosesK(t *testing.T) {
	X, _ := synth.Blobs(500, synth.NumCenters(3), synth.Seed(11))
	best, bestK := math.Inf(1), 0
	for k := 1; k <= 6; k++ {
		gm := cluster.NewGaussianMixture(k)
		if err := gm.Fit(X); err != nil {
			t.Fatal(err)
		}
		bic, err := gm.BIC(X)
		if err != nil {
			t.Fatal(err)
		}
		if bic < best {
			best, bestK = bic, k
		}
	}
	if bestK != 3 {
		t.Errorf("BIC chose %d components, want 3", bestK)
	}
}

func TestGaussianMixtureErrors(t *testing.T) {
	X := tensor.FromRows([][]float64{{0, 0}, {1, 1}, {2, 0}, {3, 1}})
	cases := []struct {
		name string
		set  func(*cluster.GaussianMixture)
		X    *tensor.Tensor
		want string
	}{
		{"k0", func(g *cluster.GaussianMixture) { g.NComponents = 0 }, X, "NComponents"},
		{"k > n", func(g *cluster.GaussianMixture) { g.NComponents = 5 }, X, "n_samples"},
		{"cov type", func(g *cluster.GaussianMixture) { g.CovarianceType = "banded" }, X, "CovarianceType"},
		{"tol", func(g *cluster.GaussianMixture) { g.Tol = -1 }, X, "Tol"},
		{"reg", func(g *cluster.GaussianMixture) { g.RegCovar = math.NaN() }, X, "RegCovar"},
		{"max iter", func(g *cluster.GaussianMixture) { g.MaxIter = 0 }, X, "MaxIter"},
		{"n init", func(g *cluster.GaussianMixture) { g.NInit = 0 }, X, "NInit"},
		{"init", func(g *cluster.GaussianMixture) { g.InitParams = "k-means++" }, X, "InitParams"},
		{"weights shape", func(g *cluster.GaussianMixture) { g.WeightsInit = tensor.FromSlice([]float64{1}, 1) }, X, "WeightsInit"},
		{"weights sum", func(g *cluster.GaussianMixture) { g.WeightsInit = tensor.FromSlice([]float64{0.5, 0.6}, 2) }, X, "sum to 1"},
		{"means shape", func(g *cluster.GaussianMixture) { g.MeansInit = tensor.FromRows([][]float64{{0, 0, 0}, {1, 1, 1}}) }, X, "MeansInit"},
		{"precisions shape", func(g *cluster.GaussianMixture) { g.PrecisionsInit = tensor.FromRows([][]float64{{1, 0}, {0, 1}}) }, X, "PrecisionsInit"},
		{"precisions definite", func(g *cluster.GaussianMixture) {
			g.PrecisionsInit = tensor.FromSlice([]float64{1, 2, 2, 1, 1, 0, 0, 1}, 2, 2, 2)
		}, X, "positive definite"},
		{"precisions positive", func(g *cluster.GaussianMixture) {
			g.CovarianceType, g.PrecisionsInit = "diag", tensor.FromRows([][]float64{{1, 0}, {1, 1}})
		}, X, "positive"},
		{"collapsed", func(g *cluster.GaussianMixture) { g.RegCovar = 0 }, tensor.FromRows([][]float64{{0, 0}, {0, 0}, {1, 1}, {1, 1}}), "ill-defined"},
		{"nan", func(*cluster.GaussianMixture) {}, tensor.FromRows([][]float64{{0, math.Inf(1)}, {1, 1}, {2, 2}}), "Inf"},
		{"one sample", func(g *cluster.GaussianMixture) { g.NComponents = 1 }, tensor.FromRows([][]float64{{1, 2}}), "at least 2"},
	}
	for _, c := range cases {
		gm := cluster.NewGaussianMixture(2)
		c.set(gm)
		if err := gm.Fit(c.X); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
	gm := cluster.NewGaussianMixture(2)
	if _, err := gm.Predict(X); err == nil || !strings.Contains(err.Error(), "not fitted") {
		t.Errorf("predict before fit: %v", err)
	}
	if _, err := gm.BIC(X); err == nil {
		t.Error("BIC before fit: no error")
	}
	if err := gm.Fit(X); err != nil {
		t.Fatal(err)
	}
	if _, err := gm.ScoreSamples(tensor.FromRows([][]float64{{1, 2, 3}})); err == nil {
		t.Error("score samples with wrong dims: no error")
	}
}
