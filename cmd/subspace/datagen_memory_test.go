package main

import (
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/subspace-lab/subspace/internal/sysmem"
	"github.com/subspace-lab/subspace/pde"
)

// A darcy or helmholtz run that cannot fit is refused before the family is
// built: building it allocates the GRF's (G+2)² coefficients (2 GiB at
// --grid MaxGrid, and tens of seconds of math.Pow), which a memory check
// after construction came too late to prevent.
func TestDatagenMemoryCheckedBeforeFamily(t *testing.T) {
	if testing.Short() {
		t.Skip("before the fix this test allocates 2 GiB")
	}
	lim, ok := sysmem.Usable()
	if !ok {
		t.Skip("usable memory unknown: datagen does not check it")
	}
	g := pde.MaxGrid
	if n := float64(g) * float64(g); 200*n < float64(lim.Bytes) { // the run needs about 1000 bytes per unknown
		t.Skipf("%s of memory: --grid %d may fit", lim, g)
	}
	for _, fam := range []string{"darcy", "helmholtz"} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		code, _, stderr := dgRun(t, "datagen", fam, "--grid", strconv.Itoa(g), "--count", "1", "--out=", "--progress=false")
		runtime.ReadMemStats(&after)
		if code != 2 || !strings.Contains(stderr, "needs at least") {
			t.Errorf("%s --grid %d: exit %d, stderr %q; want exit 2 with the memory check", fam, g, code, stderr)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
			t.Errorf("%s --grid %d: allocated %d MiB before refusing, want the refusal before the family is built", fam, g, got>>20)
		}
	}
}
