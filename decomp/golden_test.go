package decomp_test

import (
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

type pcaCase struct {
	Name   string
	Data   string
	Params struct {
		NComponents *float64 `json:"n_components"`
		SVDSolver   string   `json:"svd_solver"`
		Whiten      bool
	}
	Solver                 string
	NComponents            int `json:"n_components"`
	Components             [][]float64
	ExplainedVariance      []float64 `json:"explained_variance"`
	ExplainedVarianceRatio []float64 `json:"explained_variance_ratio"`
	SingularValues         []float64 `json:"singular_values"`
	Mean                   []float64
	NoiseVariance          float64     `json:"noise_variance"`
	FitTransformHead       [][]float64 `json:"fit_transform_head"`
	XNew                   [][]float64 `json:"X_new"`
	Transform              [][]float64
	InverseTransform       [][]float64 `json:"inverse_transform"`
}

type tsvdCase struct {
	Name   string
	Data   string
	Params struct {
		NComponents int `json:"n_components"`
		Algorithm   string
	}
	Components             [][]float64
	ExplainedVariance      []float64   `json:"explained_variance"`
	ExplainedVarianceRatio []float64   `json:"explained_variance_ratio"`
	SingularValues         []float64   `json:"singular_values"`
	FitTransformHead       [][]float64 `json:"fit_transform_head"`
	InverseTransform       [][]float64 `json:"inverse_transform"`
}

type icaCase struct {
	Name   string
	Data   string
	Params struct {
		NComponents int `json:"n_components"`
		Algorithm   string
		Fun         string
		Whiten      string
		MaxIter     int `json:"max_iter"`
		Alpha       float64
	}
	WInit            [][]float64 `json:"w_init"`
	Components       [][]float64
	Mixing           [][]float64
	Mean             []float64
	Whitening        [][]float64
	NIter            int         `json:"n_iter"`
	SourcesHead      [][]float64 `json:"sources_head"`
	InverseTransform [][]float64 `json:"inverse_transform"`
}

type kpcaCase struct {
	Name   string
	Data   string
	Params struct {
		NComponents int `json:"n_components"`
		Kernel      string
		Gamma       float64
		Degree      *int
		Coef0       *float64
	}
	Eigenvalues  []float64
	Eigenvectors [][]float64
	FitTransform [][]float64 `json:"fit_transform"`
	XNew         [][]float64 `json:"X_new"`
	Transform    [][]float64
}

type golden struct {
	Datasets       map[string][][]float64
	PCA            []pcaCase   `json:"pca"`
	TruncatedSVD   []tsvdCase  `json:"truncated_svd"`
	FastICA        []icaCase   `json:"fastica"`
	ICATrueSources [][]float64 `json:"ica_true_sources"`
	KernelPCA      []kpcaCase  `json:"kernel_pca"`
}

var (
	goldenOnce sync.Once
	goldenData golden
	goldenErr  error
)

func load(t *testing.T) golden {
	t.Helper()
	goldenOnce.Do(func() {
		goldenErr = tensortest.LoadJSON("../testdata/golden/decomp.json", &goldenData)
	})
	if goldenErr != nil {
		t.Fatal(goldenErr)
	}
	return goldenData
}

// rows reads a 2-D float64 tensor.
func rows(x *tensor.Tensor) [][]float64 {
	r, c := x.Size(0), x.Size(1)
	flat := x.Float64s()
	out := make([][]float64, r)
	for i := range out {
		out[i] = flat[i*c : (i+1)*c]
	}
	return out
}

func closeVec(got, want []float64, tol float64) error {
	if len(got) != len(want) {
		return fmt.Errorf("length %d, want %d", len(got), len(want))
	}
	for i := range got {
		if d := math.Abs(got[i] - want[i]); !(d <= tol*max(1, math.Abs(want[i]))) {
			return fmt.Errorf("[%d] = %.12g, want %.12g", i, got[i], want[i])
		}
	}
	return nil
}

func closeMat(got, want [][]float64, tol float64) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d rows, want %d", len(got), len(want))
	}
	for i := range got {
		if err := closeVec(got[i], want[i], tol); err != nil {
			return fmt.Errorf("row %d: %v", i, err)
		}
	}
	return nil
}

// closeUpToSign compares column by column (rows when byRow), allowing each to be negated.
func closeUpToSign(got, want [][]float64, tol float64, byRow bool) error {
	if !byRow {
		got, want = transpose(got), transpose(want)
	}
	if len(got) != len(want) {
		return fmt.Errorf("%d vectors, want %d", len(got), len(want))
	}
	for i := range got {
		if closeVec(got[i], want[i], tol) == nil {
			continue
		}
		neg := make([]float64, len(got[i]))
		for j, v := range got[i] {
			neg[j] = -v
		}
		if err := closeVec(neg, want[i], tol); err != nil {
			return fmt.Errorf("vector %d (either sign): %v", i, err)
		}
	}
	return nil
}

func transpose(m [][]float64) [][]float64 {
	if len(m) == 0 {
		return nil
	}
	out := make([][]float64, len(m[0]))
	for j := range out {
		out[j] = make([]float64, len(m))
		for i := range m {
			out[j][i] = m[i][j]
		}
	}
	return out
}

func vec(x *tensor.Tensor) []float64 { return x.Float64s() }
