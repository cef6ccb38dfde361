//go:build linux

package sysmem

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

func usable() (Limit, bool) {
	var ls []Limit
	var si unix.Sysinfo_t
	if unix.Sysinfo(&si) == nil {
		ls = append(ls, Limit{uint64(si.Totalram) * uint64(si.Unit), SourceRAM})
	}
	for _, r := range []struct {
		res    int
		source string
	}{{unix.RLIMIT_AS, SourceAddressSpace}, {unix.RLIMIT_DATA, SourceData}} {
		var rl unix.Rlimit
		if unix.Getrlimit(r.res, &rl) == nil && rl.Cur != unix.RLIM_INFINITY {
			ls = append(ls, Limit{rl.Cur, r.source})
		}
	}
	if b, ok := cgroupLimit("/proc/self/cgroup", "/sys/fs/cgroup"); ok {
		ls = append(ls, Limit{b, SourceCgroup})
	}
	return smallest(ls)
}

// cgroupLimit returns the memory limit of the process's cgroup: v2's
// memory.max or v1's memory.limit_in_bytes, looked up first under the
// cgroup's own path (from selfCgroup, /proc/self/cgroup) and then at the
// root of the mount (inside a container the namespace's root is the
// container's cgroup). "max" and v1's near-2⁶³ values mean no limit.
func cgroupLimit(selfCgroup, root string) (uint64, bool) {
	var v1, v2 string
	if f, err := os.Open(selfCgroup); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			parts := strings.SplitN(sc.Text(), ":", 3)
			if len(parts) != 3 {
				continue
			}
			switch {
			case parts[0] == "0" && parts[1] == "":
				v2 = parts[2]
			case strings.Contains(","+parts[1]+",", ",memory,"):
				v1 = parts[2]
			}
		}
		f.Close()
	}
	var candidates []string
	if v2 != "" {
		candidates = append(candidates, filepath.Join(root, v2, "memory.max"))
	}
	candidates = append(candidates, filepath.Join(root, "memory.max"))
	if v1 != "" {
		candidates = append(candidates, filepath.Join(root, "memory", v1, "memory.limit_in_bytes"))
	}
	candidates = append(candidates, filepath.Join(root, "memory", "memory.limit_in_bytes"))
	for _, p := range candidates {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		s := strings.TrimSpace(string(b))
		if s == "max" {
			return 0, false
		}
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil || v >= 1<<62 {
			return 0, false
		}
		return v, true
	}
	return 0, false
}
