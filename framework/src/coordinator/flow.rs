//! Placing missing replicas as a maximum flow, so that a member leaving moves only its own
//! replicas whenever a balanced placement of them exists.
//!
//! The network: source → each partition (capacity: replicas it lacks) → each member that does
//! not hold it (capacity 1) → sink (capacity: how many more the member may take). Members are
//! first filled up to the balanced floor, then to the ceiling; augmenting paths never lower a
//! member's count, so the floors reached in the first phase stay. Breadth-first search in
//! index order (Edmonds–Karp) keeps it deterministic.

use std::collections::VecDeque;

/// Places missing replicas: `lists[p]` holds member indexes and needs `wanted` entries;
/// `loads[m]` is member `m`'s current count. Appends what it can place within the balanced
/// bounds (loads end within `floor..=ceil` of `total / members`) and returns nothing — a slot
/// it cannot place stays missing (the caller places it greedily).
pub(crate) fn place(lists: &mut [Vec<usize>], loads: &mut [usize], wanted: usize) {
    let members = loads.len();
    if members == 0 {
        return;
    }
    let total = lists.len() * wanted;
    let floor = total / members;
    let ceil = floor + usize::from(!total.is_multiple_of(members));
    let mut net = Network::new(lists, members, wanted);
    for bound in [floor, ceil] {
        for (m, load) in loads.iter().enumerate() {
            let edge = net.sink_edge[m];
            let used = net.flow(edge);
            let capacity = bound.saturating_sub(*load).max(used);
            net.cap[edge] = capacity - used;
        }
        while net.augment() {}
    }
    for (p, list) in lists.iter_mut().enumerate() {
        for &(m, edge) in &net.choices[p] {
            if net.flow(edge) > 0 {
                list.push(m);
                loads[m] += 1;
            }
        }
    }
}

/// A residual network in adjacency lists; edge `e ^ 1` is the reverse of `e`.
struct Network {
    to: Vec<usize>,
    cap: Vec<usize>,
    adjacent: Vec<Vec<usize>>,
    sink_edge: Vec<usize>,
    /// Per partition: (member, edge partition → member).
    choices: Vec<Vec<(usize, usize)>>,
    source: usize,
    sink: usize,
}

impl Network {
    fn new(lists: &[Vec<usize>], members: usize, wanted: usize) -> Network {
        let partitions = lists.len();
        let (source, sink) = (partitions + members, partitions + members + 1);
        let mut net = Network {
            to: Vec::new(),
            cap: Vec::new(),
            adjacent: vec![Vec::new(); partitions + members + 2],
            sink_edge: Vec::with_capacity(members),
            choices: vec![Vec::new(); partitions],
            source,
            sink,
        };
        for (p, list) in lists.iter().enumerate() {
            let missing = wanted.saturating_sub(list.len());
            if missing == 0 {
                continue;
            }
            net.edge(source, p, missing);
            for m in (0..members).filter(|m| !list.contains(m)) {
                let e = net.edge(p, partitions + m, 1);
                net.choices[p].push((m, e));
            }
        }
        for m in 0..members {
            let e = net.edge(partitions + m, sink, 0);
            net.sink_edge.push(e);
        }
        net
    }

    fn edge(&mut self, from: usize, to: usize, cap: usize) -> usize {
        let e = self.to.len();
        self.to.extend([to, from]);
        self.cap.extend([cap, 0]);
        self.adjacent[from].push(e);
        self.adjacent[to].push(e + 1);
        e
    }

    /// The flow on forward edge `e` (its reverse's residual capacity).
    fn flow(&self, e: usize) -> usize {
        self.cap[e ^ 1]
    }

    /// Pushes one unit along a shortest augmenting path; false when there is none.
    fn augment(&mut self) -> bool {
        let mut via = vec![usize::MAX; self.adjacent.len()];
        let mut queue = VecDeque::from([self.source]);
        let mut seen = vec![false; self.adjacent.len()];
        seen[self.source] = true;
        while let Some(node) = queue.pop_front() {
            if node == self.sink {
                break;
            }
            for &e in &self.adjacent[node] {
                let next = self.to[e];
                if self.cap[e] > 0 && !seen[next] {
                    seen[next] = true;
                    via[next] = e;
                    queue.push_back(next);
                }
            }
        }
        if !seen[self.sink] {
            return false;
        }
        let mut node = self.sink;
        while node != self.source {
            let e = via[node];
            self.cap[e] -= 1;
            self.cap[e ^ 1] += 1;
            node = self.to[e ^ 1];
        }
        true
    }
}
