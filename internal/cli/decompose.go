package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/decomp"
	"github.com/ember-ml/ember/tensor"
)

// decomposeOptions are the flags of "ember decompose".
type decomposeOptions struct {
	data, target, algo, output string
	components, samples        int
	noise                      float64
	whiten                     bool
	seed                       uint64
}

func runDecompose(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o := &decomposeOptions{}
	fs := newFlagSet("decompose", "Projects the rows of a data set onto fewer components — PCA (principal axes), ICA\n(FastICA: independent sources) or a truncated SVD — and writes the projected rows. PCA\nand SVD print \"explained variance ratio:\" followed by the ratio of each component.", stdout)
	fs.StringVar(&o.data, "data", "blobs", "dataset: "+strings.Join(synth.Names, ", ")+", fashion-mnist (the training images), or a CSV file with a header row")
	fs.StringVar(&o.target, "target", "", "CSV label column to leave out of the features (default: none; every column is a feature)")
	fs.StringVar(&o.algo, "algo", "pca", "algorithm: pca, ica or svd")
	fs.IntVar(&o.components, "components", 2, "number of components")
	fs.BoolVar(&o.whiten, "whiten", false, "pca: scale the projections to unit variance")
	fs.StringVar(&o.output, "output", "", "CSV file for the projected rows (columns pc1…, ic1… or sv1…; default: not written)")
	fs.Uint64Var(&o.seed, "seed", 0, "random seed (randomized solvers, ICA's start, built-in data)")
	fs.IntVar(&o.samples, "samples", 1000, "rows of a built-in data set")
	fs.Float64Var(&o.noise, "noise", 0.05, "noise of a built-in data set")
	if err := parse(fs, args); err != nil {
		return err
	}
	if o.components < 1 {
		return usagef("--components must be positive, got %d", o.components)
	}
	if o.whiten && o.algo != "pca" {
		return usagef("--whiten applies to --algo pca only")
	}
	X, _, err := loadUnlabelled(o.data, o.target, o.samples, o.noise, o.seed)
	if err != nil {
		return err
	}
	if o.components > X.Size(1) {
		return usagef("--components %d exceeds the %d features", o.components, X.Size(1))
	}
	Z, ratio, prefix, err := decompose(X, o)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d rows, %d features → %d components\n", o.algo, X.Size(0), X.Size(1), Z.Size(1))
	if ratio != nil {
		fmt.Fprint(stdout, "explained variance ratio:")
		for _, r := range ratio.Float64s() {
			fmt.Fprintf(stdout, " %.4f", r)
		}
		fmt.Fprintln(stdout)
	}
	if o.output == "" {
		return nil
	}
	header := make([]string, Z.Size(1))
	for i := range header {
		header[i] = fmt.Sprintf("%s%d", prefix, i+1)
	}
	return writeCSVFile(o.output, header, Z)
}

// decompose fits the chosen algorithm and returns the projection, the explained variance
// ratios (nil for ICA) and the output columns' name prefix.
func decompose(X *tensor.Tensor, o *decomposeOptions) (Z, ratio *tensor.Tensor, prefix string, err error) {
	switch o.algo {
	case "pca":
		p := decomp.NewPCA(o.components)
		p.Whiten, p.RandomState = o.whiten, o.seed
		Z, err = p.FitTransform(X)
		return Z, p.ExplainedVarianceRatio, "pc", err
	case "svd":
		s := decomp.NewTruncatedSVD(o.components)
		s.RandomState = o.seed
		Z, err = s.FitTransform(X)
		return Z, s.ExplainedVarianceRatio, "sv", err
	case "ica":
		f := decomp.NewFastICA(o.components)
		f.RandomState = o.seed
		Z, err = f.FitTransform(X)
		return Z, nil, "ic", err
	}
	return nil, nil, "", usagef("unknown --algo %q: want pca, ica or svd", o.algo)
}

// writeCSVFile writes x with header to path, reporting a folder that does not exist as an
// error about the flag.
func writeCSVFile(path string, header []string, x *tensor.Tensor) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("cannot write --output: %w", err)
	}
	err = data.WriteCSV(f, header, x)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
