// Package data provides datasets, a batching loader, train/test splits, feature scalers and
// CSV loading, with PyTorch's and scikit-learn's semantics.
//
// Rules: randomness comes from explicit seeds (the same seed gives the same split and the same
// batches, run after run); functions that read user data return errors that say where the
// problem is; tensors are never modified in place. Fitted scalers save and load through
// MarshalState/UnmarshalState (package estimator writes them to files, alone or in a pipeline).
package data

import (
	"fmt"
	"iter"
	"slices"

	"github.com/ember-ml/ember/tensor"
)

// Dataset is a collection of samples addressed by index, like torch.utils.data.Dataset.
type Dataset interface {
	Len() int
	// Get returns sample i: its features and its target.
	Get(i int) (x, y *tensor.Tensor)
}

// TensorDataset pairs a feature tensor [N, …] with a target tensor [N, …] by their first dim.
type TensorDataset struct {
	X, Y *tensor.Tensor
}

// NewTensorDataset checks that X and Y have the same number of rows.
func NewTensorDataset(x, y *tensor.Tensor) (*TensorDataset, error) {
	if x.Dim() == 0 || y.Dim() == 0 {
		return nil, fmt.Errorf("data: tensor dataset needs at least 1-D tensors, got shapes %v and %v", x.Shape(), y.Shape())
	}
	if x.Size(0) != y.Size(0) {
		return nil, fmt.Errorf("data: size mismatch between tensors: X has %d rows, y has %d", x.Size(0), y.Size(0))
	}
	return &TensorDataset{X: x, Y: y}, nil
}

// Len returns the number of samples.
func (d *TensorDataset) Len() int { return d.X.Size(0) }

// Get returns row i of X and Y.
func (d *TensorDataset) Get(i int) (*tensor.Tensor, *tensor.Tensor) {
	return d.X.Index(i), d.Y.Index(i)
}

// Subset returns the samples at the given indices as a new TensorDataset.
func (d *TensorDataset) Subset(idx []int) *TensorDataset {
	ix := indexTensor(idx)
	return &TensorDataset{X: d.X.IndexSelect(0, ix), Y: d.Y.IndexSelect(0, ix)}
}

func indexTensor(idx []int) *tensor.Tensor {
	v := make([]int64, len(idx))
	for i, x := range idx {
		v[i] = int64(x)
	}
	return tensor.FromSlice(v, len(v))
}

// Batch is one mini-batch: stacked features and targets.
type Batch struct {
	X, Y *tensor.Tensor
}

// LoaderOption configures a DataLoader.
type LoaderOption func(*DataLoader)

// Shuffle reshuffles the samples every epoch; epoch e's order depends only on seed and e.
func Shuffle(seed uint64) LoaderOption {
	return func(l *DataLoader) { l.shuffle, l.seed = true, seed }
}

// DropLast drops the final batch when it is smaller than the batch size.
func DropLast() LoaderOption { return func(l *DataLoader) { l.dropLast = true } }

// DataLoader iterates over a dataset in mini-batches, like torch.utils.data.DataLoader.
type DataLoader struct {
	ds        Dataset
	batchSize int
	shuffle   bool
	dropLast  bool
	seed      uint64
	epoch     int
}

// Loader returns a loader over ds with the given batch size. Without Shuffle the order is the
// dataset's.
func Loader(ds Dataset, batchSize int, opts ...LoaderOption) *DataLoader {
	if batchSize <= 0 {
		panic(fmt.Sprintf("data: batch size should be a positive integer, got %d", batchSize))
	}
	l := &DataLoader{ds: ds, batchSize: batchSize}
	for _, o := range opts {
		o(l)
	}
	return l
}

// Len returns the number of batches per epoch.
func (l *DataLoader) Len() int {
	n := l.ds.Len()
	if l.dropLast {
		return n / l.batchSize
	}
	return (n + l.batchSize - 1) / l.batchSize
}

// Dataset returns the dataset the loader reads.
func (l *DataLoader) Dataset() Dataset { return l.ds }

// BatchSize returns the batch size.
func (l *DataLoader) BatchSize() int { return l.batchSize }

// SetEpoch fixes the epoch whose order the next All uses (for resuming a run); All advances
// it by one each time it completes.
func (l *DataLoader) SetEpoch(e int) { l.epoch = e }

// Epoch returns the epoch the next All call iterates.
func (l *DataLoader) Epoch() int { return l.epoch }

// Order returns the sample order of the given epoch.
func (l *DataLoader) Order(epoch int) []int {
	n := l.ds.Len()
	if !l.shuffle {
		order := make([]int, n)
		for i := range order {
			order[i] = i
		}
		return order
	}
	g := tensor.NewGenerator(l.seed ^ (uint64(epoch)+1)*0x9e3779b97f4a7c15)
	return g.Rand().Perm(n)
}

// All iterates over one epoch of batches; use it with range.
func (l *DataLoader) All() iter.Seq[Batch] {
	return func(yield func(Batch) bool) {
		order := l.Order(l.epoch)
		l.epoch++
		for b := range l.Len() {
			lo := b * l.batchSize
			hi := min(lo+l.batchSize, len(order))
			if !yield(l.batch(order[lo:hi])) {
				return
			}
		}
	}
}

func (l *DataLoader) batch(idx []int) Batch {
	if td, ok := l.ds.(*TensorDataset); ok {
		if isRange(idx) {
			n := len(idx)
			return Batch{X: td.X.Narrow(0, idx[0], n), Y: td.Y.Narrow(0, idx[0], n)}
		}
		return Batch{X: td.X.TakeRows(idx), Y: td.Y.TakeRows(idx)}
	}
	xs := make([]*tensor.Tensor, len(idx))
	ys := make([]*tensor.Tensor, len(idx))
	for i, j := range idx {
		xs[i], ys[i] = l.ds.Get(j)
	}
	return Batch{X: tensor.Stack(xs, 0), Y: tensor.Stack(ys, 0)}
}

func isRange(idx []int) bool {
	for i := 1; i < len(idx); i++ {
		if idx[i] != idx[0]+i {
			return false
		}
	}
	return len(idx) > 0
}

// RandomSplit splits ds into subsets of the given sizes (which sum to its length) in a random
// order drawn from seed, like torch.utils.data.random_split. Fractions that sum to 1 are
// accepted too and rounded as PyTorch does.
func RandomSplit(ds *TensorDataset, sizes []float64, seed uint64) ([]*TensorDataset, error) {
	n := ds.Len()
	counts, err := splitCounts(n, sizes)
	if err != nil {
		return nil, err
	}
	perm := tensor.NewGenerator(seed).Rand().Perm(n)
	var out []*TensorDataset
	pos := 0
	for _, c := range counts {
		out = append(out, ds.Subset(perm[pos:pos+c]))
		pos += c
	}
	return out, nil
}

func splitCounts(n int, sizes []float64) ([]int, error) {
	total := 0.0
	for _, s := range sizes {
		if s < 0 {
			return nil, fmt.Errorf("data: random split: negative size %g", s)
		}
		total += s
	}
	counts := make([]int, len(sizes))
	if total > 0.999999 && total < 1.000001 && slices.ContainsFunc(sizes, func(s float64) bool { return s != float64(int(s)) || s <= 1 }) {
		sum := 0
		for i, s := range sizes {
			counts[i] = int(s * float64(n))
			sum += counts[i]
		}
		for i := 0; sum < n; i = (i + 1) % len(counts) {
			counts[i]++
			sum++
		}
		return counts, nil
	}
	sum := 0
	for i, s := range sizes {
		counts[i] = int(s)
		sum += counts[i]
	}
	if sum != n {
		return nil, fmt.Errorf("data: random split: sizes %v sum to %d, but the dataset has %d samples", sizes, sum, n)
	}
	return counts, nil
}
