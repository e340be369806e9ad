package bench

import (
	"runtime"
	"time"

	"github.com/ember-ml/ember/ensemble"
	"github.com/ember-ml/ember/neighbors"
	"github.com/ember-ml/ember/svm"
	"github.com/ember-ml/ember/tensor"
)

// The supervised scikit-learn workloads (scripts/sklearn_bench.py knn|svc|forest|hgb). Their
// data is UniformData with the labels of ClassifData; fits are timed as the other workloads.
//
//	knn     KNeighborsClassifier(5) fitted on 100,000 × 50; KNeighbors of 10,000 × 50 queries
//	        (UniformData of seed+1) timed: query_s.
//	svc     SVC() (rbf, gamma "scale", C 1) fitted on 10,000 × 20.
//	forest  RandomForestClassifier(100 trees, NJobs = threads, RandomState 0) on 100,000 × 20.
//	hgb     HistGradientBoostingClassifier(100 iterations, early stopping off) on 100,000 × 20.
//
// forest, hgb and svc also report test_accuracy on 20,000 rows of seed+2 (not timed).

// ClassifData returns UniformData(n, d, seed) with binary labels: y_i is 1 when
// x0 + x1 + x2·x3 − x4 > 1 (in float64, in that order), flipped when uniform01(seed+1, i) < 0.1.
// d must be at least 5.
func ClassifData(n, d int, seed uint64) (X, y *tensor.Tensor) {
	X = UniformData(n, d, seed)
	x := X.Float32s()
	lab := make([]int64, n)
	for i := range n {
		r := x[i*d : i*d+5]
		s := float64(r[0]) + float64(r[1]) + float64(r[2])*float64(r[3]) - float64(r[4])
		v := s > 1
		if uniform01(seed+1, uint64(i)) < 0.1 {
			v = !v
		}
		if v {
			lab[i] = 1
		}
	}
	return X, tensor.FromSlice(lab, n)
}

type scorer interface {
	Fit(X, y *tensor.Tensor) error
	Score(X, y *tensor.Tensor) (float64, error)
}

// fitBench times fits of n × d ClassifData and scores the last fit on 20,000 test rows.
func fitBench(o Options, n, d int, make func() scorer) (Result, error) {
	X, y := ClassifData(n, d, o.Seed)
	var m scorer
	s, err := timeFits(o.Repeat, func() error {
		m = make()
		return m.Fit(X, y)
	})
	if err != nil {
		return nil, err
	}
	Xt, yt := ClassifData(20000, d, o.Seed+2)
	acc, err := m.Score(Xt, yt)
	if err != nil {
		return nil, err
	}
	return Result{"samples": n, "features": d, "fit_s": s, "test_accuracy": acc, "repeats": o.Repeat}, nil
}

func svcBench(o Options) (Result, error) {
	return fitBench(o, 10000, 20, func() scorer { return svm.NewSVC() })
}

func forestBench(o Options) (Result, error) {
	return fitBench(o, 100000, 20, func() scorer {
		f := ensemble.NewRandomForestClassifier()
		f.NJobs = runtime.GOMAXPROCS(0)
		return f
	})
}

func hgbBench(o Options) (Result, error) {
	return fitBench(o, 100000, 20, func() scorer {
		m := ensemble.NewHistGradientBoostingClassifier()
		m.EarlyStopping = "off"
		return m
	})
}

func knnBench(o Options) (Result, error) {
	const n, q, d, k = 100000, 10000, 50, 5
	X, y := ClassifData(n, d, o.Seed)
	Q := UniformData(q, d, o.Seed+1)
	c := neighbors.NewKNeighborsClassifier()
	if err := c.Fit(X, y); err != nil {
		return nil, err
	}
	var idx *tensor.Tensor
	query := func() error {
		var err error
		_, idx, err = c.KNeighbors(Q, k)
		return err
	}
	if err := query(); err != nil {
		return nil, err
	}
	var secs []float64
	for range o.Repeat {
		t := time.Now()
		if err := query(); err != nil {
			return nil, err
		}
		secs = append(secs, time.Since(t).Seconds())
	}
	first := int64(0)
	for i, v := range idx.Int64s() {
		if i%k == 0 {
			first += v
		}
	}
	return Result{"samples": n, "queries": q, "features": d, "k": k, "query_s": median(secs),
		"nearest_index_sum": first, "repeats": o.Repeat}, nil
}
