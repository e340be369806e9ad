package cluster

import (
	"fmt"
	"math"
	"slices"

	"github.com/ember-ml/ember/internal/state"
	"github.com/ember-ml/ember/tensor"
)

// Persistence: MarshalState returns an estimator's settings and scalar fitted attributes as
// JSON (scikit-learn's names) and its fitted arrays by name; UnmarshalState restores them,
// checking every array's dtype, shape, values and indices, so that a corrupted state is an
// error and never a panic later. The checks are internal/state's, shared by all estimator
// packages; this package's own helpers follow.

// stateMatrix returns arrays[name] as a finite float64 matrix [rows, cols] (-1: any).
func stateMatrix(op string, arrays map[string]*tensor.Tensor, name string, rows, cols int) (matrix, error) {
	v, shape, err := state.Floats(op, arrays, name, rows, cols)
	if err != nil {
		return matrix{}, err
	}
	return matrix{data: v, n: shape[0], d: shape[1]}, nil
}

func intsOf(v []int64) []int {
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(x)
	}
	return out
}

// KMeans

type kmeansState struct {
	NClusters   int     `json:"n_clusters"`
	Init        string  `json:"init"`
	NInit       int     `json:"n_init"`
	MaxIter     int     `json:"max_iter"`
	Tol         float64 `json:"tol"`
	Algorithm   string  `json:"algorithm"`
	RandomState uint64  `json:"random_state"`
	Inertia     float64 `json:"inertia"`
	NIter       int     `json:"n_iter"`
	NFeaturesIn int     `json:"n_features_in"`
}

// MarshalState returns the fitted KMeans' settings and scalars as JSON and its arrays:
// cluster_centers, labels and, when set, init_centers.
func (km *KMeans) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "kmeans: marshal state"
	if km.NFeaturesIn == 0 || km.Labels == nil {
		return nil, nil, state.NotFitted(op)
	}
	params, err := state.MarshalParams(op, kmeansState{km.NClusters, km.Init, km.NInit, km.MaxIter, km.Tol,
		km.Algorithm, km.RandomState, km.Inertia, km.NIter, km.NFeaturesIn})
	if err != nil {
		return nil, nil, err
	}
	arrays := map[string]*tensor.Tensor{"cluster_centers": km.centers.toTensor(), "labels": km.Labels.Clone()}
	state.PutSetting(arrays, "init_centers", km.InitCenters)
	return params, arrays, nil
}

// UnmarshalState restores a KMeans from what MarshalState returned.
func (km *KMeans) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "kmeans: unmarshal state"
	var s kmeansState
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	r := KMeans{NClusters: s.NClusters, Init: s.Init, NInit: s.NInit, MaxIter: s.MaxIter, Tol: s.Tol,
		Algorithm: s.Algorithm, RandomState: s.RandomState, Inertia: s.Inertia, NIter: s.NIter, NFeaturesIn: s.NFeaturesIn}
	var err error
	if r.InitCenters, err = state.Setting(op, arrays, "init_centers", s.NClusters, s.NFeaturesIn); err != nil {
		return err
	}
	labels, err := state.Indices(op, arrays, "labels", -1, 0, s.NClusters)
	if err != nil {
		return err
	}
	if err := r.check(len(labels), s.NFeaturesIn); err != nil {
		return state.SettingsError(op, err)
	}
	if err := state.NeedFeatures(op, s.NFeaturesIn); err != nil {
		return err
	}
	if r.centers, err = stateMatrix(op, arrays, "cluster_centers", s.NClusters, s.NFeaturesIn); err != nil {
		return err
	}
	r.ClusterCenters = r.centers.toTensor()
	r.Labels = tensor.FromSlice(labels, len(labels))
	*km = r
	return nil
}

// MiniBatchKMeans

type miniBatchState struct {
	NClusters         int     `json:"n_clusters"`
	Init              string  `json:"init"`
	MaxIter           int     `json:"max_iter"`
	BatchSize         int     `json:"batch_size"`
	Tol               float64 `json:"tol"`
	MaxNoImprovement  int     `json:"max_no_improvement"`
	InitSize          int     `json:"init_size"`
	NInit             int     `json:"n_init"`
	ReassignmentRatio float64 `json:"reassignment_ratio"`
	RandomState       uint64  `json:"random_state"`
	Inertia           float64 `json:"inertia"`
	NIter             int     `json:"n_iter"`
	NSteps            int     `json:"n_steps"`
	NFeaturesIn       int     `json:"n_features_in"`
	// What PartialFit continues from: the effective batch size, the samples seen since
	// the last reassignment check and the random generator's state.
	Batch        int    `json:"batch"`
	SinceReassig int    `json:"since_reassign"`
	RNG          []byte `json:"rng_state"`
}

// MarshalState returns the fitted MiniBatchKMeans' settings and scalars as JSON and its
// arrays: cluster_centers, labels, counts (samples seen per centre) and, when set,
// init_centers. The random generator's state is kept, so PartialFit continues as it would
// have.
func (m *MiniBatchKMeans) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "minibatch kmeans: marshal state"
	if m.NFeaturesIn == 0 || m.Labels == nil || m.gen == nil {
		return nil, nil, state.NotFitted(op)
	}
	params, err := state.MarshalParams(op, miniBatchState{m.NClusters, m.Init, m.MaxIter, m.BatchSize, m.Tol,
		m.MaxNoImprovement, m.InitSize, m.NInit, m.ReassignmentRatio, m.RandomState, m.Inertia, m.NIter,
		m.NSteps, m.NFeaturesIn, m.batch, m.sinceReassig, m.gen.State()})
	if err != nil {
		return nil, nil, err
	}
	arrays := map[string]*tensor.Tensor{"cluster_centers": m.centers.toTensor(), "labels": m.Labels.Clone(),
		"counts": tensor.FromSlice(slices.Clone(m.counts), len(m.counts))}
	state.PutSetting(arrays, "init_centers", m.InitCenters)
	return params, arrays, nil
}

// UnmarshalState restores a MiniBatchKMeans from what MarshalState returned.
func (m *MiniBatchKMeans) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "minibatch kmeans: unmarshal state"
	var s miniBatchState
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	r := MiniBatchKMeans{NClusters: s.NClusters, Init: s.Init, MaxIter: s.MaxIter, BatchSize: s.BatchSize,
		Tol: s.Tol, MaxNoImprovement: s.MaxNoImprovement, InitSize: s.InitSize, NInit: s.NInit,
		ReassignmentRatio: s.ReassignmentRatio, RandomState: s.RandomState, Inertia: s.Inertia, NIter: s.NIter,
		NSteps: s.NSteps, NFeaturesIn: s.NFeaturesIn, batch: s.Batch, sinceReassig: s.SinceReassig}
	var err error
	if r.InitCenters, err = state.Setting(op, arrays, "init_centers", s.NClusters, s.NFeaturesIn); err != nil {
		return err
	}
	labels, err := state.Indices(op, arrays, "labels", -1, 0, s.NClusters)
	if err != nil {
		return err
	}
	if err := r.check(max(len(labels), s.NClusters)); err != nil { // PartialFit may label fewer rows than k
		return state.SettingsError(op, err)
	}
	switch {
	case s.Batch < 1 || s.Batch > s.BatchSize:
		return fmt.Errorf("%s: batch must be in [1, batch_size=%d], got %d", op, s.BatchSize, s.Batch)
	case s.SinceReassig < 0 || s.NSteps < 0 || s.NIter < 0:
		return fmt.Errorf("%s: since_reassign, n_steps and n_iter must be ≥ 0, got %d, %d, %d", op, s.SinceReassig, s.NSteps, s.NIter)
	}
	if err := state.NeedFeatures(op, s.NFeaturesIn); err != nil {
		return err
	}
	if r.centers, err = stateMatrix(op, arrays, "cluster_centers", s.NClusters, s.NFeaturesIn); err != nil {
		return err
	}
	if r.counts, _, err = state.Floats(op, arrays, "counts", s.NClusters); err != nil {
		return err
	}
	for c, n := range r.counts {
		if n < 0 {
			return fmt.Errorf("%s: counts[%d] is %g, want ≥ 0", op, c, n)
		}
	}
	r.gen = tensor.NewGenerator(0)
	if err := r.gen.SetState(s.RNG); err != nil {
		return fmt.Errorf("%s: rng_state: %w", op, err)
	}
	r.rng = r.gen.Rand()
	r.ClusterCenters = r.centers.toTensor()
	r.Labels = tensor.FromSlice(labels, len(labels))
	*m = r
	return nil
}

// MeanShift

type meanShiftState struct {
	Bandwidth   float64 `json:"bandwidth"`
	BinSeeding  bool    `json:"bin_seeding"`
	MinBinFreq  int     `json:"min_bin_freq"`
	ClusterAll  bool    `json:"cluster_all"`
	MaxIter     int     `json:"max_iter"`
	NIter       int     `json:"n_iter"`
	NFeaturesIn int     `json:"n_features_in"`
}

// MarshalState returns the fitted MeanShift's settings and scalars as JSON and its arrays:
// cluster_centers, labels and, when set, seeds.
func (ms *MeanShift) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "meanshift: marshal state"
	if ms.NFeaturesIn == 0 || ms.Labels == nil {
		return nil, nil, state.NotFitted(op)
	}
	params, err := state.MarshalParams(op, meanShiftState{ms.Bandwidth, ms.BinSeeding, ms.MinBinFreq, ms.ClusterAll,
		ms.MaxIter, ms.NIter, ms.NFeaturesIn})
	if err != nil {
		return nil, nil, err
	}
	arrays := map[string]*tensor.Tensor{"cluster_centers": ms.centers.toTensor(), "labels": ms.Labels.Clone()}
	state.PutSetting(arrays, "seeds", ms.Seeds)
	return params, arrays, nil
}

// UnmarshalState restores a MeanShift from what MarshalState returned.
func (ms *MeanShift) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "meanshift: unmarshal state"
	var s meanShiftState
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	r := MeanShift{Bandwidth: s.Bandwidth, BinSeeding: s.BinSeeding, MinBinFreq: s.MinBinFreq,
		ClusterAll: s.ClusterAll, MaxIter: s.MaxIter, NIter: s.NIter, NFeaturesIn: s.NFeaturesIn}
	switch {
	case r.Bandwidth < 0 || math.IsNaN(r.Bandwidth) || math.IsInf(r.Bandwidth, 0):
		return fmt.Errorf("%s: bandwidth must be a positive number or 0, got %g", op, r.Bandwidth)
	case r.MinBinFreq < 1 || r.MaxIter < 1:
		return fmt.Errorf("%s: min_bin_freq and max_iter must be ≥ 1, got %d, %d", op, r.MinBinFreq, r.MaxIter)
	}
	if err := state.NeedFeatures(op, s.NFeaturesIn); err != nil {
		return err
	}
	var err error
	if r.Seeds, err = state.Setting(op, arrays, "seeds", -1, s.NFeaturesIn); err != nil {
		return err
	}
	if r.centers, err = stateMatrix(op, arrays, "cluster_centers", -1, s.NFeaturesIn); err != nil {
		return err
	}
	if r.centers.n == 0 {
		return fmt.Errorf("%s: cluster_centers is empty", op)
	}
	labels, err := state.Indices(op, arrays, "labels", -1, -1, r.centers.n)
	if err != nil {
		return err
	}
	r.ClusterCenters = r.centers.toTensor()
	r.Labels = tensor.FromSlice(labels, len(labels))
	*ms = r
	return nil
}

// GaussianMixture

type gmmState struct {
	NComponents    int     `json:"n_components"`
	CovarianceType string  `json:"covariance_type"`
	Tol            float64 `json:"tol"`
	RegCovar       float64 `json:"reg_covar"`
	MaxIter        int     `json:"max_iter"`
	NInit          int     `json:"n_init"`
	InitParams     string  `json:"init_params"`
	RandomState    uint64  `json:"random_state"`
	Converged      bool    `json:"converged"`
	NIter          int     `json:"n_iter"`
	LowerBound     float64 `json:"lower_bound"`
	NFeaturesIn    int     `json:"n_features_in"`
}

// covShape returns the shape of a mixture's covariance arrays, their number of blocks and
// the size of a block.
func covShape(kind string, k, d int) (shape []int, blocks, size int) {
	switch kind {
	case "full":
		return []int{k, d, d}, k, d * d
	case "tied":
		return []int{d, d}, 1, d * d
	case "diag":
		return []int{k, d}, k, d
	}
	return []int{k}, k, 1
}

// MarshalState returns the fitted GaussianMixture's settings and scalars as JSON and its
// arrays: weights, means, covariances, precisions_cholesky, precisions and, when set,
// weights_init, means_init and precisions_init.
func (gm *GaussianMixture) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "gmm: marshal state"
	if gm.p == nil {
		return nil, nil, state.NotFitted(op)
	}
	params, err := state.MarshalParams(op, gmmState{gm.NComponents, gm.CovarianceType, gm.Tol, gm.RegCovar, gm.MaxIter,
		gm.NInit, gm.InitParams, gm.RandomState, gm.Converged, gm.NIter, gm.LowerBound, gm.NFeaturesIn})
	if err != nil {
		return nil, nil, err
	}
	arrays := map[string]*tensor.Tensor{"weights": gm.Weights.Clone(), "means": gm.Means.Clone(),
		"covariances": gm.Covariances.Clone(), "precisions_cholesky": gm.PrecisionsCholesky.Clone(),
		"precisions": gm.Precisions.Clone()}
	state.PutSetting(arrays, "weights_init", gm.WeightsInit)
	state.PutSetting(arrays, "means_init", gm.MeansInit)
	state.PutSetting(arrays, "precisions_init", gm.PrecisionsInit)
	return params, arrays, nil
}

// UnmarshalState restores a GaussianMixture from what MarshalState returned.
func (gm *GaussianMixture) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "gmm: unmarshal state"
	var s gmmState
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	r := GaussianMixture{NComponents: s.NComponents, CovarianceType: s.CovarianceType, Tol: s.Tol,
		RegCovar: s.RegCovar, MaxIter: s.MaxIter, NInit: s.NInit, InitParams: s.InitParams,
		RandomState: s.RandomState, Converged: s.Converged, NIter: s.NIter, LowerBound: s.LowerBound,
		NFeaturesIn: s.NFeaturesIn}
	// The number of training samples is not kept: check the settings against the fewest
	// that Fit accepts.
	if err := r.check(max(2, r.NComponents)); err != nil {
		return state.SettingsError(op, err)
	}
	if err := state.NeedFeatures(op, s.NFeaturesIn); err != nil {
		return err
	}
	k, d := s.NComponents, s.NFeaturesIn
	var err error
	if r.WeightsInit, err = state.Setting(op, arrays, "weights_init"); err != nil { // readInits checks the shapes
		return err
	}
	if r.MeansInit, err = state.Setting(op, arrays, "means_init"); err != nil {
		return err
	}
	if r.PrecisionsInit, err = state.Setting(op, arrays, "precisions_init"); err != nil {
		return err
	}
	if _, err := r.readInits(d); err != nil {
		return state.SettingsError(op, err)
	}
	p := &gmmParams{kind: s.CovarianceType}
	if p.weights, _, err = state.Floats(op, arrays, "weights", k); err != nil {
		return err
	}
	for c, w := range p.weights {
		if w < 0 {
			return fmt.Errorf("%s: weights[%d] is %g, want ≥ 0", op, c, w)
		}
	}
	if p.means, err = stateMatrix(op, arrays, "means", k, d); err != nil {
		return err
	}
	shape, blocks, size := covShape(s.CovarianceType, k, d)
	split := func(name string) ([][]float64, error) {
		v, _, err := state.Floats(op, arrays, name, shape...)
		if err != nil {
			return nil, err
		}
		out := make([][]float64, blocks)
		for b := range out {
			out[b] = v[b*size : (b+1)*size]
		}
		return out, nil
	}
	if p.cov, err = split("covariances"); err != nil {
		return err
	}
	if p.pc, err = split("precisions_cholesky"); err != nil {
		return err
	}
	if _, err = split("precisions"); err != nil {
		return err
	}
	for b, pc := range p.pc {
		for j := range size {
			if (size != d*d || j%(d+1) == 0) && !(pc[j] > 0) {
				return fmt.Errorf("%s: precisions_cholesky block %d has %g on its diagonal, want > 0", op, b, pc[j])
			}
		}
	}
	r.p = p
	r.Weights, r.Means = arrays["weights"].Clone(), arrays["means"].Clone()
	r.Covariances, r.PrecisionsCholesky = arrays["covariances"].Clone(), arrays["precisions_cholesky"].Clone()
	r.Precisions = arrays["precisions"].Clone()
	*gm = r
	return nil
}

// DBSCAN

type dbscanState struct {
	Eps        float64 `json:"eps"`
	MinSamples int     `json:"min_samples"`
}

// MarshalState returns the fitted DBSCAN's settings as JSON and its arrays: labels,
// core_sample_indices and components.
func (db *DBSCAN) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "dbscan: marshal state"
	if db.Labels == nil {
		return nil, nil, state.NotFitted(op)
	}
	params, err := state.MarshalParams(op, dbscanState{db.Eps, db.MinSamples})
	if err != nil {
		return nil, nil, err
	}
	return params, map[string]*tensor.Tensor{"labels": db.Labels.Clone(),
		"core_sample_indices": db.CoreSampleIndices.Clone(), "components": db.Components.Clone()}, nil
}

// UnmarshalState restores a DBSCAN from what MarshalState returned.
func (db *DBSCAN) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "dbscan: unmarshal state"
	var s dbscanState
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	if !(s.Eps > 0) || math.IsInf(s.Eps, 0) || s.MinSamples < 1 {
		return fmt.Errorf("%s: eps must be a positive number and min_samples ≥ 1, got %g, %d", op, s.Eps, s.MinSamples)
	}
	n := 0
	if t := arrays["labels"]; t != nil && t.Dim() == 1 {
		n = t.Size(0)
	}
	if n == 0 {
		return fmt.Errorf("%s: labels missing or empty", op)
	}
	labels, err := state.Indices(op, arrays, "labels", n, -1, n) // at most n clusters
	if err != nil {
		return err
	}
	cores, err := state.Indices(op, arrays, "core_sample_indices", -1, 0, n)
	if err != nil {
		return err
	}
	for i := 1; i < len(cores); i++ {
		if cores[i] <= cores[i-1] {
			return fmt.Errorf("%s: core_sample_indices must increase, got %d after %d", op, cores[i], cores[i-1])
		}
	}
	for _, c := range cores {
		if labels[c] < 0 {
			return fmt.Errorf("%s: core sample %d is labelled noise", op, c)
		}
	}
	comp, err := stateMatrix(op, arrays, "components", len(cores), -1)
	if err != nil {
		return err
	}
	if comp.d == 0 {
		return fmt.Errorf("%s: components has no features", op)
	}
	*db = DBSCAN{Eps: s.Eps, MinSamples: s.MinSamples, Labels: tensor.FromSlice(labels, n),
		CoreSampleIndices: tensor.FromSlice(cores, len(cores)), Components: tensor.FromSlice(comp.data, comp.n, comp.d)}
	return nil
}

// AgglomerativeClustering

type agglomerativeState struct {
	NClusters  int    `json:"n_clusters"`
	Linkage    string `json:"linkage"`
	MaxSamples int    `json:"max_samples"`
	NLeaves    int    `json:"n_leaves"`
}

// MarshalState returns the fitted AgglomerativeClustering's settings and scalars as JSON
// and its arrays: labels, children (int64 [merges, 2]) and distances.
func (a *AgglomerativeClustering) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "agglomerative: marshal state"
	if a.Labels == nil {
		return nil, nil, state.NotFitted(op)
	}
	params, err := state.MarshalParams(op, agglomerativeState{a.NClusters, a.Linkage, a.MaxSamples, a.NLeaves})
	if err != nil {
		return nil, nil, err
	}
	children := make([]int64, 0, 2*len(a.Children))
	for _, c := range a.Children {
		children = append(children, int64(c[0]), int64(c[1]))
	}
	return params, map[string]*tensor.Tensor{"labels": a.Labels.Clone(),
		"children":  tensor.FromSlice(children, len(a.Children), 2),
		"distances": tensor.FromSlice(slices.Clone(a.Distances), len(a.Distances))}, nil
}

// UnmarshalState restores an AgglomerativeClustering from what MarshalState returned. Each
// merge must join two distinct earlier nodes, each node merged at most once.
func (a *AgglomerativeClustering) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "agglomerative: unmarshal state"
	var s agglomerativeState
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	n := s.NLeaves
	switch _, ok := linkages[s.Linkage]; {
	case !ok:
		return fmt.Errorf("%s: unknown linkage %q", op, s.Linkage)
	case n < 2:
		return fmt.Errorf("%s: n_leaves must be ≥ 2, got %d", op, n)
	case s.NClusters < 1 || s.NClusters > n:
		return fmt.Errorf("%s: n_clusters must be in [1, n_leaves=%d], got %d", op, n, s.NClusters)
	}
	labels, err := state.Indices(op, arrays, "labels", n, 0, s.NClusters)
	if err != nil {
		return err
	}
	ch, err := state.Array(op, arrays, "children", tensor.Int64, n-1, 2)
	if err != nil {
		return err
	}
	dist, _, err := state.Floats(op, arrays, "distances", n-1)
	if err != nil {
		return err
	}
	used := make([]bool, 2*n-1)
	children := make([][2]int, n-1)
	for i, v := range ch.Int64s() {
		m := i / 2
		if v < 0 || v >= int64(n+m) || used[v] {
			return fmt.Errorf("%s: merge %d joins node %d: want an unmerged node below %d", op, m, v, n+m)
		}
		used[v] = true
		children[m][i%2] = int(v)
	}
	*a = AgglomerativeClustering{NClusters: s.NClusters, Linkage: s.Linkage, MaxSamples: s.MaxSamples,
		Labels: tensor.FromSlice(labels, n), NLeaves: n, Children: children, Distances: dist}
	return nil
}

// SpectralClustering

type spectralState struct {
	NClusters    int     `json:"n_clusters"`
	Affinity     string  `json:"affinity"`
	Gamma        float64 `json:"gamma"`
	NNeighbors   int     `json:"n_neighbors"`
	AssignLabels string  `json:"assign_labels"`
	NInit        int     `json:"n_init"`
	RandomState  uint64  `json:"random_state"`
	MaxSamples   int     `json:"max_samples"`
	NFeaturesIn  int     `json:"n_features_in"`
}

// MarshalState returns the fitted SpectralClustering's settings and scalars as JSON and
// its arrays: labels and affinity_matrix.
func (sc *SpectralClustering) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "spectral: marshal state"
	if sc.Labels == nil || sc.NFeaturesIn == 0 {
		return nil, nil, state.NotFitted(op)
	}
	params, err := state.MarshalParams(op, spectralState{sc.NClusters, sc.Affinity, sc.Gamma, sc.NNeighbors,
		sc.AssignLabels, sc.NInit, sc.RandomState, sc.MaxSamples, sc.NFeaturesIn})
	if err != nil {
		return nil, nil, err
	}
	return params, map[string]*tensor.Tensor{"labels": sc.Labels.Clone(), "affinity_matrix": sc.AffinityMatrix.Clone()}, nil
}

// UnmarshalState restores a SpectralClustering from what MarshalState returned.
func (sc *SpectralClustering) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "spectral: unmarshal state"
	var s spectralState
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	r := SpectralClustering{NClusters: s.NClusters, Affinity: s.Affinity, Gamma: s.Gamma, NNeighbors: s.NNeighbors,
		AssignLabels: s.AssignLabels, NInit: s.NInit, RandomState: s.RandomState, MaxSamples: s.MaxSamples,
		NFeaturesIn: s.NFeaturesIn}
	labels, err := state.Indices(op, arrays, "labels", -1, 0, s.NClusters)
	if err != nil {
		return err
	}
	n := len(labels)
	if err := r.check(n); err != nil {
		return state.SettingsError(op, err)
	}
	if err := state.NeedFeatures(op, s.NFeaturesIn); err != nil {
		return err
	}
	aff, _, err := state.Floats(op, arrays, "affinity_matrix", n, n)
	if err != nil {
		return err
	}
	r.Labels, r.AffinityMatrix = tensor.FromSlice(labels, n), tensor.FromSlice(aff, n, n)
	*sc = r
	return nil
}
