package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ember-ml/ember/cluster"
	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/metrics"
	"github.com/ember-ml/ember/tensor"
)

// clusterOptions are the flags of "ember cluster".
type clusterOptions struct {
	data, target, algo, output, linkage string
	affinity                            string
	k, samples, minSamples              int
	noise, eps, gamma, bandwidth        float64
	seed                                uint64
}

// clusterer fits one algorithm and returns its labels and, where it has one, its inertia.
type clusterer func(X *tensor.Tensor, o *clusterOptions) (labels *tensor.Tensor, inertia float64, hasInertia bool, err error)

// clusterAlgos maps --algo names to the estimators of package cluster.
var clusterAlgos = map[string]clusterer{
	"kmeans": func(X *tensor.Tensor, o *clusterOptions) (*tensor.Tensor, float64, bool, error) {
		km := cluster.NewKMeans(o.k)
		km.RandomState = o.seed
		err := km.Fit(X)
		return km.Labels, km.Inertia, true, err
	},
	"minibatch": func(X *tensor.Tensor, o *clusterOptions) (*tensor.Tensor, float64, bool, error) {
		m := cluster.NewMiniBatchKMeans(o.k)
		m.RandomState = o.seed
		err := m.Fit(X)
		return m.Labels, m.Inertia, true, err
	},
	"dbscan": func(X *tensor.Tensor, o *clusterOptions) (*tensor.Tensor, float64, bool, error) {
		db := cluster.NewDBSCAN()
		db.Eps, db.MinSamples = o.eps, o.minSamples
		err := db.Fit(X)
		return db.Labels, 0, false, err
	},
	"spectral": func(X *tensor.Tensor, o *clusterOptions) (*tensor.Tensor, float64, bool, error) {
		sc := cluster.NewSpectralClustering(o.k)
		sc.Affinity, sc.Gamma, sc.RandomState = o.affinity, o.gamma, o.seed
		labels, err := sc.FitPredict(X)
		return labels, 0, false, err
	},
	"meanshift": func(X *tensor.Tensor, o *clusterOptions) (*tensor.Tensor, float64, bool, error) {
		ms := cluster.NewMeanShift()
		ms.Bandwidth, ms.BinSeeding = o.bandwidth, true
		labels, err := ms.FitPredict(X)
		return labels, 0, false, err
	},
	"gmm": func(X *tensor.Tensor, o *clusterOptions) (*tensor.Tensor, float64, bool, error) {
		g := cluster.NewGaussianMixture(o.k)
		g.RandomState = o.seed
		labels, err := g.FitPredict(X)
		return labels, 0, false, err
	},
	"agglomerative": func(X *tensor.Tensor, o *clusterOptions) (*tensor.Tensor, float64, bool, error) {
		a := cluster.NewAgglomerativeClustering(o.k)
		a.Linkage = o.linkage
		err := a.Fit(X)
		return a.Labels, 0, false, err
	},
}

func clusterAlgoNames() []string {
	var names []string
	for n := range clusterAlgos {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// silhouetteRows caps the rows the silhouette is computed on (it is O(n²)); larger inputs
// use a seeded sample of this many rows, as sklearn's sample_size does.
const silhouetteRows = 5000

func runCluster(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o := &clusterOptions{}
	fs := newFlagSet("cluster", "Clusters the rows of a data set, writes one label per row and prints the inertia (k-means)\nand the silhouette score. When the true labels are known (--target names a CSV label\ncolumn, which is then not used for fitting, or a built-in data set), it ends with the\nline \"adjusted rand index: 0.xxxx\".", stdout)
	fs.StringVar(&o.data, "data", "blobs", "dataset: "+strings.Join(synth.Names, ", ")+", fashion-mnist (the training images), or a CSV file with a header row")
	fs.StringVar(&o.target, "target", "", "CSV column holding true labels, left out of the fit (default: none; every column is a feature)")
	fs.StringVar(&o.algo, "algo", "kmeans", "algorithm: "+strings.Join(clusterAlgoNames(), ", "))
	fs.IntVar(&o.k, "k", 0, "number of clusters (default: the number of true classes when known, else 8)")
	fs.Float64Var(&o.eps, "eps", 0.5, "dbscan: neighbourhood radius")
	fs.IntVar(&o.minSamples, "min-samples", 5, "dbscan: neighbours (the point included) that make a core point")
	fs.StringVar(&o.linkage, "linkage", "ward", "agglomerative: ward, complete, average or single")
	fs.StringVar(&o.affinity, "affinity", "nearest_neighbors", "spectral: nearest_neighbors (10 neighbours) or rbf")
	fs.Float64Var(&o.gamma, "gamma", 1, "spectral: rbf affinity exp(-gamma·d²)")
	fs.Float64Var(&o.bandwidth, "bandwidth", 0, "meanshift: window radius (0: estimated from the data)")
	fs.StringVar(&o.output, "output", "", "CSV file to write the labels to (one \"label\" column; default: not written)")
	fs.Uint64Var(&o.seed, "seed", 0, "random seed (initialisation, built-in data)")
	fs.IntVar(&o.samples, "samples", 1000, "rows of a built-in data set")
	fs.Float64Var(&o.noise, "noise", 0.05, "noise of a built-in data set")
	if err := parse(fs, args); err != nil {
		return err
	}
	fit, ok := clusterAlgos[o.algo]
	if !ok {
		return usagef("unknown --algo %q: want one of %s", o.algo, strings.Join(clusterAlgoNames(), ", "))
	}
	X, truth, err := loadUnlabelled(o.data, o.target, o.samples, o.noise, o.seed)
	if err != nil {
		return err
	}
	if o.k == 0 {
		o.k = 8
		if truth != nil {
			o.k = int(truth.Amax(nil, false).Item()) + 1
		}
	}
	if o.k < 1 {
		return usagef("--k must be positive, got %d", o.k)
	}
	labels, inertia, hasInertia, err := fit(X, o)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return reportClusters(stdout, o, X, labels, truth, inertia, hasInertia)
}

func reportClusters(w io.Writer, o *clusterOptions, X, labels, truth *tensor.Tensor, inertia float64, hasInertia bool) error {
	if o.output != "" {
		if err := writeCSVFile(o.output, []string{"label"}, labels.Unsqueeze(1)); err != nil {
			return err
		}
	}
	found := map[int64]bool{}
	if labels == nil {
		return fmt.Errorf("%s produced no labels", o.algo)
	}
	noise := 0
	for _, l := range labels.Int64s() {
		if l < 0 {
			noise++
			continue
		}
		found[l] = true
	}
	fmt.Fprintf(w, "%s: %d clusters in %d rows", o.algo, len(found), labels.Numel())
	if noise > 0 {
		fmt.Fprintf(w, " (%d noise points)", noise)
	}
	fmt.Fprintln(w)
	if hasInertia {
		fmt.Fprintf(w, "inertia: %.6g\n", inertia)
	}
	if len(found) >= 2 && len(found) < labels.Numel() {
		xs, ls := X, labels
		if n := X.Size(0); n > silhouetteRows {
			rows := tensor.NewGenerator(o.seed).Rand().Perm(n)[:silhouetteRows]
			xs, ls = X.TakeRows(rows), labels.TakeRows(rows)
		}
		if s, err := metrics.SilhouetteScore(xs, ls); err == nil {
			fmt.Fprintf(w, "silhouette: %.4f\n", s)
		}
	}
	if truth != nil {
		ari, err := metrics.AdjustedRandScore(truth, labels)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "adjusted rand index: %.4f\n", ari)
	}
	return nil
}

// loadUnlabelled reads the features of a built-in data set, Fashion-MNIST's 60,000 training
// images (784 pixels in [0, 1]) or a CSV file and, when known, the true labels (int64 class
// indices): a built-in classification set's, or the --target column's (never used as a
// feature).
func loadUnlabelled(name, target string, samples int, noise float64, seed uint64) (X, truth *tensor.Tensor, err error) {
	if name == "fashion-mnist" {
		tr, _, err := data.LoadFashionMNIST("")
		if err != nil {
			return nil, nil, err
		}
		return tr.X.Flatten(1, -1), tr.Y, nil
	}
	if X, y, task, ok := synth.ByName(name, samples, noise, seed); ok {
		if samples < 2 {
			return nil, nil, usagef("--samples %d is too few", samples)
		}
		if task == synth.TaskClassification {
			truth = y
		}
		return X, truth, nil
	}
	if !strings.ContainsAny(name, "./\\") && !strings.HasSuffix(name, ".csv") {
		return nil, nil, usagef("unknown --data %q: want one of %s, or a path to a CSV file", name, strings.Join(synth.Names, ", "))
	}
	tab, err := data.LoadCSVFile(name, data.CSVOptions{Target: target, NoTarget: target == ""})
	if err != nil {
		return nil, nil, err
	}
	if target == "" {
		return tab.X, nil, nil
	}
	truth = tab.Y
	if tab.Classes == nil { // numeric labels: class indices in sorted order of their values
		var distinct []float64
		vals := tab.Y.Float64s()
		for _, v := range vals {
			if !slices.Contains(distinct, v) {
				distinct = append(distinct, v)
			}
		}
		slices.Sort(distinct)
		idx := make([]int64, len(vals))
		for i, v := range vals {
			idx[i] = int64(slices.Index(distinct, v))
		}
		truth = tensor.FromSlice(idx)
	}
	return tab.X, truth, nil
}
