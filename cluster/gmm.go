package cluster

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/ember-ml/ember/tensor"
)

// GaussianMixture is scikit-learn's GaussianMixture: a mixture of NComponents Gaussians fitted
// by expectation-maximisation. Each of NInit runs starts from responsibilities given by a
// single k-means run ("kmeans") or uniform random numbers normalised per sample ("random"),
// replaced by WeightsInit, MeansInit and PrecisionsInit where set; it iterates E and M steps
// until the mean log-likelihood of X (the lower bound) changes by less than Tol, or MaxIter
// times. The run of highest final lower bound is kept; Converged reports whether any run
// converged, as in scikit-learn. Every covariance gets RegCovar added to its diagonal.
//
// CovarianceType sets the shape of Covariances, PrecisionsCholesky and Precisions: "full"
// [k, d, d], "tied" [d, d] (one shared matrix), "diag" [k, d] or "spherical" [k]. A
// precision Cholesky factor P satisfies P·Pᵀ = covariance⁻¹ (upper triangular once fitted).
type GaussianMixture struct {
	NComponents    int     // number of Gaussians k (default 1)
	CovarianceType string  // "full" (default), "tied", "diag" or "spherical"
	Tol            float64 // convergence threshold on the lower bound's change (default 1e-3; ≥ 0)
	RegCovar       float64 // added to covariance diagonals, in squared units of X (default 1e-6; ≥ 0)
	MaxIter        int     // EM iterations per run (default 100; ≥ 1)
	NInit          int     // runs (default 1)
	InitParams     string  // "kmeans" (default) or "random"
	// WeightsInit [k] (non-negative, summing to 1), MeansInit [k, d] and PrecisionsInit
	// (inverse covariances, shaped as Covariances; positive definite) replace the initial
	// parameters when set.
	WeightsInit, MeansInit, PrecisionsInit *tensor.Tensor
	RandomState                            uint64 // seed of the initialisation

	Weights            *tensor.Tensor // mixing weights, float64 [k], summing to 1
	Means              *tensor.Tensor // means, float64 [k, d]
	Covariances        *tensor.Tensor // covariances, float64, shape by CovarianceType
	PrecisionsCholesky *tensor.Tensor // Cholesky factors of the precisions, same shape
	Precisions         *tensor.Tensor // inverse covariances, same shape
	Converged          bool           // whether a run converged
	NIter              int            // EM iterations of the best run
	LowerBound         float64        // mean log-likelihood of X under the best run
	NFeaturesIn        int            // number of features seen by Fit

	p *gmmParams
}

// NewGaussianMixture returns a GaussianMixture with scikit-learn's defaults and k components.
func NewGaussianMixture(nComponents int) *GaussianMixture {
	return &GaussianMixture{NComponents: nComponents, CovarianceType: "full", Tol: 1e-3, RegCovar: 1e-6,
		MaxIter: 100, NInit: 1, InitParams: "kmeans"}
}

// gmmParams are fitted parameters. cov and pc hold one block per component ("tied": one
// block): d·d row-major for "full" and "tied", d for "diag", 1 for "spherical".
type gmmParams struct {
	kind    string
	weights []float64
	means   matrix
	cov, pc [][]float64
}

// check validates the settings against n samples.
func (gm *GaussianMixture) check(n int) error {
	switch {
	case gm.NComponents <= 0:
		return fmt.Errorf("gmm: NComponents must be > 0, got %d", gm.NComponents)
	case n < 2:
		return fmt.Errorf("gmm: need at least 2 samples, got %d", n)
	case n < gm.NComponents:
		return fmt.Errorf("gmm: expected n_samples >= n_components but got n_components = %d, n_samples = %d", gm.NComponents, n)
	case gm.Tol < 0 || math.IsNaN(gm.Tol):
		return fmt.Errorf("gmm: Tol must be >= 0, got %g", gm.Tol)
	case gm.RegCovar < 0 || math.IsNaN(gm.RegCovar) || math.IsInf(gm.RegCovar, 0):
		return fmt.Errorf("gmm: RegCovar must be a finite number >= 0, got %g", gm.RegCovar)
	case gm.MaxIter < 1:
		return fmt.Errorf("gmm: MaxIter must be >= 1, got %d", gm.MaxIter)
	case gm.NInit < 1:
		return fmt.Errorf("gmm: NInit must be >= 1, got %d", gm.NInit)
	case gm.InitParams != "kmeans" && gm.InitParams != "random":
		return fmt.Errorf("gmm: InitParams must be \"kmeans\" or \"random\", got %q", gm.InitParams)
	}
	switch gm.CovarianceType {
	case "full", "tied", "diag", "spherical":
		return nil
	}
	return fmt.Errorf("gmm: CovarianceType must be \"full\", \"tied\", \"diag\" or \"spherical\", got %q", gm.CovarianceType)
}

// Fit estimates the mixture from X [samples, features].
func (gm *GaussianMixture) Fit(X *tensor.Tensor) error {
	x, err := readX("gmm", X)
	if err != nil {
		return err
	}
	if err := gm.check(x.n); err != nil {
		return err
	}
	given, err := gm.readInits(x.d)
	if err != nil {
		return err
	}
	r := tensor.NewGenerator(gm.RandomState).Rand()
	var best *gmmParams
	bestLB, bestIter, converged := math.Inf(-1), 0, false
	for range gm.NInit {
		p, err := gm.initialize(x, r, given)
		if err != nil {
			return err
		}
		lb, it, conv, err := gm.em(x, p)
		if err != nil {
			return err
		}
		converged = converged || conv
		if best == nil || lb > bestLB {
			best, bestLB, bestIter = p, lb, it
		}
	}
	gm.p = best
	gm.Converged, gm.NIter, gm.LowerBound, gm.NFeaturesIn = converged, bestIter, bestLB, x.d
	gm.setTensors()
	return nil
}

// em runs EM on p in place and returns the lower bound, the iterations and convergence.
func (gm *GaussianMixture) em(x matrix, p *gmmParams) (float64, int, bool, error) {
	lb := math.Inf(-1)
	for it := 1; it <= gm.MaxIter; it++ {
		prev := lb
		resp, norm := p.logResp(x)
		for i := range resp.data {
			resp.data[i] = math.Exp(resp.data[i])
		}
		next, err := estimateGaussian(x, resp, gm.RegCovar, p.kind)
		if err != nil {
			return 0, 0, false, err
		}
		scale(next.weights, 1/sum(next.weights))
		*p = *next
		lb = norm
		if math.Abs(lb-prev) < gm.Tol {
			return lb, it, true, nil
		}
	}
	return lb, gm.MaxIter, false, nil
}

// gmmInits are the validated user-given initial parameters (nil where not given).
type gmmInits struct {
	weights []float64
	means   *matrix
	pc      [][]float64
}

// initialize returns the initial parameters of one run.
func (gm *GaussianMixture) initialize(x matrix, r *rand.Rand, given gmmInits) (*gmmParams, error) {
	resp, err := gm.initialResp(x, r)
	if err != nil {
		return nil, err
	}
	p, err := estimateGaussian(x, resp, gm.RegCovar, gm.CovarianceType)
	if err != nil && given.pc == nil {
		return nil, err
	}
	scale(p.weights, 1/float64(x.n))
	if given.weights != nil {
		p.weights = append([]float64(nil), given.weights...)
	}
	if given.means != nil {
		p.means = given.means.clone()
	}
	if given.pc != nil {
		p.pc, p.cov = cloneBlocks(given.pc), nil
	}
	return p, nil
}

// initialResp returns the initial responsibilities [n, k]: one-hot k-means labels, or
// uniform random numbers normalised per sample.
func (gm *GaussianMixture) initialResp(x matrix, r *rand.Rand) (matrix, error) {
	k := gm.NComponents
	resp := newMatrix(x.n, k)
	if gm.InitParams == "random" {
		for i := range x.n {
			row := resp.row(i)
			for c := range row {
				row[c] = r.Float64()
			}
			scale(row, 1/sum(row))
		}
		return resp, nil
	}
	km := NewKMeans(k)
	km.NInit, km.RandomState = 1, r.Uint64()
	if err := km.Fit(x.toTensor()); err != nil {
		return matrix{}, fmt.Errorf("gmm: k-means initialisation: %w", err)
	}
	for i, l := range km.Labels.Int64s() {
		resp.data[i*k+int(l)] = 1
	}
	return resp, nil
}

func cloneBlocks(b [][]float64) [][]float64 {
	out := make([][]float64, len(b))
	for i, v := range b {
		out[i] = append([]float64(nil), v...)
	}
	return out
}

// readInits validates WeightsInit, MeansInit and PrecisionsInit for d features.
func (gm *GaussianMixture) readInits(d int) (gmmInits, error) {
	var g gmmInits
	k := gm.NComponents
	if gm.WeightsInit != nil {
		w, err := readVector("gmm: WeightsInit", gm.WeightsInit, k)
		if err != nil {
			return g, err
		}
		for _, v := range w {
			if v < 0 || v > 1 {
				return g, fmt.Errorf("gmm: WeightsInit must be in [0, 1], got %g", v)
			}
		}
		if math.Abs(1-sum(w)) > 1e-8 {
			return g, fmt.Errorf("gmm: WeightsInit must sum to 1, got %g", sum(w))
		}
		g.weights = w
	}
	if gm.MeansInit != nil {
		m, err := readX("gmm: MeansInit", gm.MeansInit)
		if err != nil {
			return g, err
		}
		if m.n != k || m.d != d {
			return g, fmt.Errorf("gmm: MeansInit has shape [%d %d], want [%d %d]", m.n, m.d, k, d)
		}
		g.means = &m
	}
	if gm.PrecisionsInit != nil {
		pc, err := gm.readPrecisions(d)
		if err != nil {
			return g, err
		}
		g.pc = pc
	}
	return g, nil
}

// readVector reads a 1-D finite tensor of n values.
func readVector(op string, t *tensor.Tensor, n int) ([]float64, error) {
	if t.DType() == tensor.Bool {
		return nil, fmt.Errorf("%s must be numeric, got bool", op)
	}
	if t.Dim() != 1 || t.Size(0) != n {
		return nil, fmt.Errorf("%s has shape %v, want [%d]", op, t.Shape(), n)
	}
	v := t.Float64s()
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("%s contains %g", op, x)
		}
	}
	return v, nil
}

// readPrecisions validates PrecisionsInit and returns its Cholesky factors.
func (gm *GaussianMixture) readPrecisions(d int) ([][]float64, error) {
	k, t := gm.NComponents, gm.PrecisionsInit
	var want []int
	var blocks, size int
	switch gm.CovarianceType {
	case "full":
		want, blocks, size = []int{k, d, d}, k, d*d
	case "tied":
		want, blocks, size = []int{d, d}, 1, d*d
	case "diag":
		want, blocks, size = []int{k, d}, k, d
	default:
		want, blocks, size = []int{k}, k, 1
	}
	if !slices.Equal(t.Shape(), want) {
		return nil, fmt.Errorf("gmm: PrecisionsInit has shape %v, want %v for %q", t.Shape(), want, gm.CovarianceType)
	}
	v, err := readVector("gmm: PrecisionsInit", t.Reshape(blocks*size), blocks*size)
	if err != nil {
		return nil, err
	}
	out := make([][]float64, blocks)
	for b := range out {
		blk := v[b*size : (b+1)*size]
		if size == d*d {
			if out[b], err = precisionCholesky(blk, d); err != nil {
				return nil, err
			}
			continue
		}
		out[b] = make([]float64, size)
		for j, p := range blk {
			if !(p > 0) {
				return nil, fmt.Errorf("gmm: PrecisionsInit must be positive, got %g", p)
			}
			out[b][j] = math.Sqrt(p)
		}
	}
	return out, nil
}

// precisionCholesky returns the lower Cholesky factor of a symmetric positive-definite
// precision matrix.
func precisionCholesky(p []float64, d int) ([]float64, error) {
	for i := range d {
		for j := range i {
			if math.Abs(p[i*d+j]-p[j*d+i]) > 1e-8*math.Max(1, math.Abs(p[i*d+j])) {
				return nil, fmt.Errorf("gmm: PrecisionsInit must be symmetric")
			}
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(mat.NewSymDense(d, append([]float64(nil), p...))) {
		return nil, fmt.Errorf("gmm: PrecisionsInit must be positive definite")
	}
	var l mat.TriDense
	ch.LTo(&l)
	out := make([]float64, d*d)
	for i := range d {
		for j := range i + 1 {
			out[i*d+j] = l.At(i, j)
		}
	}
	return out, nil
}

// errIllDefined is scikit-learn's message for a covariance that is not positive definite.
var errIllDefined = fmt.Errorf("gmm: fitting failed: some components have an ill-defined empirical covariance " +
	"(for instance caused by singleton or collapsed samples); decrease NComponents or increase RegCovar")

// estimateGaussian returns the M-step estimates from responsibilities resp [n, k]: weights
// (the unnormalised sums of resp, plus 10 machine epsilons), means, covariances and precision
// Cholesky factors.
func estimateGaussian(x, resp matrix, reg float64, kind string) (*gmmParams, error) {
	k, d := resp.d, x.d
	p := &gmmParams{kind: kind, weights: make([]float64, k), means: newMatrix(k, d)}
	for i := range x.n {
		for c, r := range resp.row(i) {
			p.weights[c] += r
			for j, v := range x.row(i) {
				p.means.data[c*d+j] += r * v
			}
		}
	}
	for c := range k {
		p.weights[c] += 10 * 0x1p-52
		scale(p.means.row(c), 1/p.weights[c])
	}
	switch kind {
	case "full", "tied":
		p.cov = fullCovariances(x, resp, p, reg)
	default:
		p.cov = diagCovariances(x, resp, p, reg)
	}
	var err error
	p.pc, err = precisionsFromCov(p.cov, kind, d)
	return p, err
}

// fullCovariances returns the weighted covariance of each component ("tied": their
// weight-averaged sum) plus reg on the diagonal.
func fullCovariances(x, resp matrix, p *gmmParams, reg float64) [][]float64 {
	k, d := resp.d, x.d
	cov := make([][]float64, k)
	diff := make([]float64, d)
	for c := range k {
		s := make([]float64, d*d)
		for i := range x.n {
			r := resp.data[i*k+c]
			copy(diff, x.row(i))
			subtract(diff, p.means.row(c))
			for a := range d {
				ra := r * diff[a]
				for b := range d {
					s[a*d+b] += ra * diff[b]
				}
			}
		}
		cov[c] = s
	}
	if p.kind == "tied" {
		t := make([]float64, d*d)
		for c := range k {
			add(t, cov[c])
		}
		scale(t, 1/sum(p.weights))
		cov = [][]float64{t}
	} else {
		for c := range k {
			scale(cov[c], 1/p.weights[c])
		}
	}
	for _, s := range cov {
		for a := range d {
			s[a*d+a] += reg
		}
	}
	return cov
}

// diagCovariances returns the weighted per-feature variances of each component plus reg
// ("spherical": their mean).
func diagCovariances(x, resp matrix, p *gmmParams, reg float64) [][]float64 {
	k, d := resp.d, x.d
	cov := make([][]float64, k)
	for c := range k {
		v := make([]float64, d)
		mu := p.means.row(c)
		for i := range x.n {
			r := resp.data[i*k+c]
			for j, xv := range x.row(i) {
				t := xv - mu[j]
				v[j] += r * t * t
			}
		}
		for j := range v {
			v[j] = v[j]/p.weights[c] + reg
		}
		if p.kind == "spherical" {
			v = []float64{sum(v) / float64(d)}
		}
		cov[c] = v
	}
	return cov
}

// precisionsFromCov returns the precision Cholesky factors of covariance blocks: Lᵀ⁻¹ for
// the Cholesky factor L of a matrix, 1/√v for variances.
func precisionsFromCov(cov [][]float64, kind string, d int) ([][]float64, error) {
	pc := make([][]float64, len(cov))
	for c, s := range cov {
		if kind == "diag" || kind == "spherical" {
			pc[c] = make([]float64, len(s))
			for j, v := range s {
				if !(v > 0) {
					return nil, errIllDefined
				}
				pc[c][j] = 1 / math.Sqrt(v)
			}
			continue
		}
		var ch mat.Cholesky
		if !ch.Factorize(mat.NewSymDense(d, append([]float64(nil), s...))) {
			return nil, errIllDefined
		}
		var l, li mat.TriDense
		ch.LTo(&l)
		if err := li.InverseTri(&l); err != nil {
			return nil, errIllDefined
		}
		u := make([]float64, d*d)
		for i := range d {
			for j := i; j < d; j++ {
				u[i*d+j] = li.At(j, i)
			}
		}
		pc[c] = u
	}
	return pc, nil
}

// block returns the precision Cholesky block of component c.
func (p *gmmParams) block(c int) []float64 {
	if p.kind == "tied" {
		return p.pc[0]
	}
	return p.pc[c]
}

// logGaussian returns log N(xᵢ | component c) for every sample.
func (p *gmmParams) logGaussian(x matrix, c int) []float64 {
	d := x.d
	pc, mu := p.block(c), p.means.row(c)
	logDet := 0.0
	switch p.kind {
	case "full", "tied":
		for j := range d {
			logDet += math.Log(pc[j*d+j])
		}
	case "diag":
		for _, v := range pc {
			logDet += math.Log(v)
		}
	default:
		logDet = float64(d) * math.Log(pc[0])
	}
	out := make([]float64, x.n)
	diff := make([]float64, d)
	for i := range x.n {
		copy(diff, x.row(i))
		subtract(diff, mu)
		out[i] = -0.5*(float64(d)*math.Log(2*math.Pi)+p.mahalanobis(diff, pc)) + logDet
	}
	return out
}

// mahalanobis returns ‖diff·P‖² for the precision Cholesky block P.
func (p *gmmParams) mahalanobis(diff, pc []float64) float64 {
	d := len(diff)
	s := 0.0
	switch p.kind {
	case "full", "tied":
		for j := range d {
			y := 0.0
			for i := range d {
				y += diff[i] * pc[i*d+j]
			}
			s += y * y
		}
	case "diag":
		for j, v := range diff {
			t := v * pc[j]
			s += t * t
		}
	default:
		s = dot(diff, diff) * pc[0] * pc[0]
	}
	return s
}

// weightedLogProb returns log(weight_c) + log N(xᵢ | c), [n, k].
func (p *gmmParams) weightedLogProb(x matrix) matrix {
	k := len(p.weights)
	out := newMatrix(x.n, k)
	for c := range k {
		lw := math.Log(p.weights[c])
		for i, v := range p.logGaussian(x, c) {
			out.data[i*k+c] = v + lw
		}
	}
	return out
}

// logResp returns the log responsibilities [n, k] and the mean log-likelihood.
func (p *gmmParams) logResp(x matrix) (matrix, float64) {
	w := p.weightedLogProb(x)
	total := 0.0
	for i := range x.n {
		row := w.row(i)
		lse := logSumExp(row)
		for c := range row {
			row[c] -= lse
		}
		total += lse
	}
	return w, total / float64(x.n)
}

func logSumExp(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		m = max(m, x)
	}
	if math.IsInf(m, 0) {
		return m
	}
	s := 0.0
	for _, x := range v {
		s += math.Exp(x - m)
	}
	return m + math.Log(s)
}

// setTensors publishes the fitted parameters.
func (gm *GaussianMixture) setTensors() {
	p := gm.p
	k, d := len(p.weights), p.means.d
	var shape []int
	switch p.kind {
	case "full":
		shape = []int{k, d, d}
	case "tied":
		shape = []int{d, d}
	case "diag":
		shape = []int{k, d}
	default:
		shape = []int{k}
	}
	flat := func(b [][]float64) []float64 {
		var out []float64
		for _, v := range b {
			out = append(out, v...)
		}
		return out
	}
	prec := make([][]float64, len(p.pc))
	for c, pc := range p.pc {
		prec[c] = precisionOf(pc, p.kind, d)
	}
	gm.Weights = tensor.FromSlice(append([]float64(nil), p.weights...), k)
	gm.Means = p.means.toTensor()
	gm.Covariances = tensor.FromSlice(flat(p.cov), shape...)
	gm.PrecisionsCholesky = tensor.FromSlice(flat(p.pc), shape...)
	gm.Precisions = tensor.FromSlice(flat(prec), shape...)
}

// precisionOf returns P·Pᵀ for a matrix block, P² for variances.
func precisionOf(pc []float64, kind string, d int) []float64 {
	if kind == "diag" || kind == "spherical" {
		out := make([]float64, len(pc))
		for j, v := range pc {
			out[j] = v * v
		}
		return out
	}
	out := make([]float64, d*d)
	for a := range d {
		for b := range d {
			out[a*d+b] = dot(pc[a*d:(a+1)*d], pc[b*d:(b+1)*d])
		}
	}
	return out
}

// fitted reads X for a method of the fitted mixture.
func (gm *GaussianMixture) fitted(op string, X *tensor.Tensor) (matrix, error) {
	if gm.p == nil {
		return matrix{}, fmt.Errorf("gmm: %s: not fitted: call Fit first", op)
	}
	return readFitted("gmm: "+op, X, gm.NFeaturesIn)
}

// Predict returns the most probable component of each row of X, int64 [samples].
func (gm *GaussianMixture) Predict(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := gm.fitted("predict", X)
	if err != nil {
		return nil, err
	}
	w := gm.p.weightedLogProb(x)
	labels := make([]int, x.n)
	for i := range x.n {
		row := w.row(i)
		for c, v := range row {
			if v > row[labels[i]] {
				labels[i] = c
			}
		}
	}
	return labelTensor(labels), nil
}

// PredictProba returns the posterior probability of each component for each row of X,
// float64 [samples, k].
func (gm *GaussianMixture) PredictProba(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := gm.fitted("predict proba", X)
	if err != nil {
		return nil, err
	}
	resp, _ := gm.p.logResp(x)
	for i := range resp.data {
		resp.data[i] = math.Exp(resp.data[i])
	}
	return resp.toTensor(), nil
}

// ScoreSamples returns the log density of each row of X under the mixture, float64 [samples].
func (gm *GaussianMixture) ScoreSamples(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := gm.fitted("score samples", X)
	if err != nil {
		return nil, err
	}
	w := gm.p.weightedLogProb(x)
	out := make([]float64, x.n)
	for i := range out {
		out[i] = logSumExp(w.row(i))
	}
	return tensor.FromSlice(out, x.n), nil
}

// Score returns the mean log density of the rows of X.
func (gm *GaussianMixture) Score(X *tensor.Tensor) (float64, error) {
	x, err := gm.fitted("score", X)
	if err != nil {
		return 0, err
	}
	_, mean := gm.p.logResp(x)
	return mean, nil
}

// nParameters returns the number of free parameters of the fitted mixture: means, weights
// (k−1) and covariances (d(d+1)/2 per full matrix, d per diagonal, 1 per spherical).
func (gm *GaussianMixture) nParameters() int {
	k, d := gm.NComponents, gm.NFeaturesIn
	var cov int
	switch gm.p.kind {
	case "full":
		cov = k * d * (d + 1) / 2
	case "tied":
		cov = d * (d + 1) / 2
	case "diag":
		cov = k * d
	default:
		cov = k
	}
	return cov + k*d + k - 1
}

// BIC returns the Bayesian information criterion on X: −2·n·Score + p·ln n for p free parameters (lower
// is better).
func (gm *GaussianMixture) BIC(X *tensor.Tensor) (float64, error) {
	s, err := gm.Score(X)
	if err != nil {
		return 0, err
	}
	n := float64(X.Size(0))
	return -2*s*n + float64(gm.nParameters())*math.Log(n), nil
}

// AIC returns the Akaike information criterion on X: −2·n·Score + 2p for p free parameters (lower is
// better).
func (gm *GaussianMixture) AIC(X *tensor.Tensor) (float64, error) {
	s, err := gm.Score(X)
	if err != nil {
		return 0, err
	}
	return -2*s*float64(X.Size(0)) + 2*float64(gm.nParameters()), nil
}

// FitPredict fits X and returns the most probable component of each sample.
func (gm *GaussianMixture) FitPredict(X *tensor.Tensor) (*tensor.Tensor, error) {
	if err := gm.Fit(X); err != nil {
		return nil, err
	}
	return gm.Predict(X)
}
