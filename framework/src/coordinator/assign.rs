//! [`assign`]: automatic placement of replicas with minimal movement.

use std::collections::{BTreeMap, BTreeSet};

use super::{Assignment, MemberId, flow};

/// Places `replicas` replicas of each of `partitions` partitions on `members`, starting from
/// `previous` so that as little as possible moves.
///
/// - Every partition gets `min(replicas, members)` distinct replicas.
/// - Replicas on members still present stay where they are, in their order (so a partition's
///   preferred master stays unless it left).
/// - The replicas of members that left are placed so that the loads end balanced if such a
///   placement exists (a maximum flow, see `flow.rs`), else on the least loaded members (fewest
///   replicas, then lowest id) that do not hold the partition yet; either way appended at the
///   end of the partition's list: a new replica starts as a standby.
/// - A first placement (no `previous`) is round robin, so preferred masters spread evenly.
/// - Then, while some member holds two replicas more than another, the most loaded one gives
///   one partition to the least loaded — preferring a partition it is not the preferred
///   master of, then the lowest partition. So a member that joins takes replicas from the most
///   loaded members until the load is balanced within one, and nothing else moves.
///
/// Deterministic: the same inputs give the same assignment on every node. A `previous` with
/// another partition count is ignored (the placement starts afresh). Leadership balance (how
/// many partitions each member is preferred master of) is not a goal: moving it would move
/// masters.
pub fn assign(
    previous: Option<&Assignment>,
    members: &[MemberId],
    partitions: u32,
    replicas: u32,
) -> Assignment {
    let order: Vec<&MemberId> = members
        .iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let index: BTreeMap<&MemberId, usize> =
        order.iter().enumerate().map(|(i, m)| (*m, i)).collect();
    let wanted = (replicas as usize).min(order.len());
    let previous = previous.filter(|p| p.partitions() == partitions);
    let mut lists: Vec<Vec<usize>> = (0..partitions)
        .map(|p| {
            let mut kept: Vec<usize> = Vec::with_capacity(wanted);
            for member in previous.map(|a| a.replicas(p)).unwrap_or_default() {
                if let Some(&i) = index.get(member)
                    && !kept.contains(&i)
                {
                    kept.push(i);
                }
            }
            kept
        })
        .collect();
    if previous.is_none() && !order.is_empty() {
        // A first placement: round robin, so preferred masters spread evenly.
        for (p, list) in lists.iter_mut().enumerate() {
            list.extend((0..wanted).map(|k| (p + k) % order.len()));
        }
    }
    let mut loads = vec![0usize; order.len()];
    for &i in lists.iter().flatten() {
        loads[i] += 1;
    }
    // Fewer replicas wanted than kept (the replication was lowered): drop the most loaded
    // standbys.
    for list in &mut lists {
        while list.len() > wanted {
            let victim = (1..list.len())
                .max_by_key(|i| (loads[list[*i]], *i))
                .unwrap_or(0);
            let gone = list.remove(victim);
            loads[gone] -= 1;
        }
    }
    // Missing replicas: a balanced placement if one exists, then the least loaded members.
    flow::place(&mut lists, &mut loads, wanted);
    for list in &mut lists {
        while list.len() < wanted {
            let Some(pick) = (0..loads.len())
                .filter(|m| !list.contains(m))
                .min_by_key(|m| (loads[*m], *m))
            else {
                break;
            };
            list.push(pick);
            loads[pick] += 1;
        }
    }
    rebalance(&mut lists, &mut loads);
    let lists = lists
        .into_iter()
        .map(|l| l.into_iter().map(|i| order[i].clone()).collect())
        .collect();
    // Every list holds distinct members by construction.
    Assignment::new(lists).unwrap_or_default()
}

/// Moves one replica at a time from the most to the least loaded member until their loads
/// differ by at most one. Each move lowers the sum of squared loads, so this ends.
fn rebalance(lists: &mut [Vec<usize>], loads: &mut [usize]) {
    loop {
        let Some(most) = (0..loads.len()).min_by_key(|m| (std::cmp::Reverse(loads[*m]), *m)) else {
            return;
        };
        let Some(least) = (0..loads.len()).min_by_key(|m| (loads[*m], *m)) else {
            return;
        };
        if loads[most] <= loads[least] + 1 {
            return;
        }
        // `most` holds more partitions than `least`, so one of them lacks `least`.
        let candidate = lists
            .iter()
            .enumerate()
            .filter(|(_, l)| l.contains(&most) && !l.contains(&least))
            .min_by_key(|(p, l)| (l.first() == Some(&most), *p))
            .map(|(p, _)| p);
        let Some(p) = candidate else {
            return;
        };
        lists[p].retain(|m| *m != most);
        lists[p].push(least);
        loads[most] -= 1;
        loads[least] += 1;
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn ids(n: usize) -> Vec<MemberId> {
        (0..n)
            .map(|i| MemberId::new(format!("m{i:02}")).unwrap())
            .collect()
    }

    /// Every partition has min(R, M) distinct replicas, all members, and loads within 1.
    fn check_shape(a: &Assignment, members: &[MemberId], partitions: u32, replicas: u32) {
        assert_eq!(a.partitions(), partitions);
        let wanted = (replicas as usize).min(members.len());
        for p in 0..partitions {
            assert_eq!(a.replicas(p).len(), wanted, "partition {p}: {a:?}");
            assert!(a.replicas(p).iter().all(|m| members.contains(m)));
        }
        let load = a.load();
        let loads: Vec<usize> = members
            .iter()
            .map(|m| load.get(m).copied().unwrap_or(0))
            .collect();
        let (min, max) = (loads.iter().min(), loads.iter().max());
        if let (Some(min), Some(max)) = (min, max) {
            assert!(max - min <= 1, "loads {loads:?} in {a:?}");
        }
    }

    /// The fewest moves from `before` of any placement with the shape `check_shape` asks
    /// for, by trying them all.
    fn fewest_moves(
        before: &Assignment,
        members: &[MemberId],
        partitions: u32,
        replicas: u32,
    ) -> usize {
        let wanted = (replicas as usize).min(members.len());
        let subsets: Vec<Vec<MemberId>> = (0u32..1 << members.len())
            .filter(|bits| bits.count_ones() as usize == wanted)
            .map(|bits| {
                (0..members.len())
                    .filter(|i| bits & (1 << i) != 0)
                    .map(|i| members[i].clone())
                    .collect()
            })
            .collect();
        let mut best = usize::MAX;
        let mut choice = vec![0usize; partitions as usize];
        loop {
            let lists: Vec<Vec<MemberId>> = choice.iter().map(|c| subsets[*c].clone()).collect();
            let candidate = Assignment::new(lists).unwrap();
            let load = candidate.load();
            let loads: Vec<usize> = members
                .iter()
                .map(|m| load.get(m).copied().unwrap_or(0))
                .collect();
            let spread = loads.iter().max().unwrap() - loads.iter().min().unwrap();
            if spread <= 1 {
                best = best.min(candidate.moves_from(before));
            }
            // The next choice, like an odometer.
            let mut i = 0;
            loop {
                if i == choice.len() {
                    return best;
                }
                choice[i] += 1;
                if choice[i] < subsets.len() {
                    break;
                }
                choice[i] = 0;
                i += 1;
            }
        }
    }

    #[test]
    fn a_first_placement_spreads_masters_and_replicas() {
        let members = ids(3);
        let a = assign(None, &members, 6, 2);
        check_shape(&a, &members, 6, 2);
        let masters: BTreeSet<_> = (0..6).filter_map(|p| a.preferred_master(p)).collect();
        assert_eq!(masters.len(), 3, "{a:?}");
        assert_eq!(a, assign(None, &members, 6, 2), "deterministic");
    }

    #[test]
    fn no_members_no_replicas_and_more_replicas_than_members() {
        let a = assign(None, &[], 4, 2);
        assert!((0..4).all(|p| a.replicas(p).is_empty()));
        let one = ids(1);
        let a = assign(Some(&a), &one, 4, 3);
        check_shape(&a, &one, 4, 3);
    }

    #[test]
    fn the_preferred_master_stays_when_a_standby_leaves() {
        let members = ids(3);
        let before = assign(None, &members, 3, 2);
        let standby = before.replicas(0)[1].clone();
        let remaining: Vec<MemberId> = members.into_iter().filter(|m| *m != standby).collect();
        let after = assign(Some(&before), &remaining, 3, 2);
        assert_eq!(after.preferred_master(0), before.preferred_master(0));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn joins_move_only_replicas_to_the_new_member(
            count in 1usize..8, partitions in 1u32..40, replicas in 1u32..4,
        ) {
            let all = ids(count + 1);
            let before = assign(None, &all[..count], partitions, replicas);
            check_shape(&before, &all[..count], partitions, replicas);
            let after = assign(Some(&before), &all, partitions, replicas);
            check_shape(&after, &all, partitions, replicas);
            let newcomer = &all[count];
            for p in 0..partitions {
                for m in after.replicas(p) {
                    prop_assert!(m == newcomer || before.holds(m, p), "{p}: {before:?} -> {after:?}");
                }
            }
            // Exactly the newcomer's share moved: nothing more.
            let share = after.load().get(newcomer).copied().unwrap_or(0);
            prop_assert_eq!(after.moves_from(&before), share);
        }

        #[test]
        fn leaves_move_only_the_leavers_replicas(
            count in 2usize..9, partitions in 1u32..40, replicas in 1u32..4, leaver in 0usize..9,
        ) {
            let all = ids(count);
            let leaver = &all[leaver % count];
            let before = assign(None, &all, partitions, replicas);
            let remaining: Vec<MemberId> = all.iter().filter(|m| *m != leaver).cloned().collect();
            let after = assign(Some(&before), &remaining, partitions, replicas);
            check_shape(&after, &remaining, partitions, replicas);
            for p in 0..partitions {
                let kept: Vec<&MemberId> = before.replicas(p).iter().filter(|m| *m != leaver).collect();
                // Every surviving replica stays, in its order, at the head of the list.
                prop_assert_eq!(kept, after.replicas(p).iter().take(before.replicas(p).len() - usize::from(before.holds(leaver, p))).collect::<Vec<_>>());
                if !before.holds(leaver, p) && after.replicas(p).len() == before.replicas(p).len() {
                    prop_assert_eq!(after.replicas(p), before.replicas(p));
                }
            }
            let gone = before.load().get(leaver).copied().unwrap_or(0);
            let shrink = before.replicas(0).len() > after.replicas(0).len();
            if !shrink {
                prop_assert_eq!(after.moves_from(&before), gone);
            } else {
                prop_assert_eq!(after.moves_from(&before), 0);
            }
        }

        #[test]
        fn every_step_of_a_membership_history_moves_only_what_it_must(
            partitions in 1u32..40, replicas in 1u32..4,
            steps in proptest::collection::vec(0usize..10, 1..12),
        ) {
            let pool = ids(10);
            let mut present: Vec<MemberId> = pool[..2].to_vec();
            let mut current = assign(None, &present, partitions, replicas);
            for step in steps {
                let member = &pool[step];
                let before = current.clone();
                let joining = !present.contains(member);
                if joining {
                    present.push(member.clone());
                } else if present.len() > 1 {
                    present.retain(|m| m != member);
                } else {
                    continue;
                }
                current = assign(Some(&before), &present, partitions, replicas);
                check_shape(&current, &present, partitions, replicas);
                let grew = current.replicas(0).len() > before.replicas(0).len();
                let shrank = current.replicas(0).len() < before.replicas(0).len();
                let share = current.load().get(member).copied().unwrap_or(0);
                let gone = before.load().get(member).copied().unwrap_or(0);
                let moves = current.moves_from(&before);
                match (joining, grew, shrank) {
                    (true, _, _) => prop_assert_eq!(moves, share, "join {}: {:?} -> {:?}", member, before, current),
                    (false, _, true) => prop_assert_eq!(moves, 0),
                    // At least the leaver's replicas move; more only when balance needs it,
                    // which the brute-force test below checks on small clusters.
                    (false, _, false) => prop_assert!(moves >= gone),
                }
            }
        }

        #[test]
        fn a_leave_moves_no_more_than_the_fewest_moves_of_any_balanced_placement(
            partitions in 1u32..5, replicas in 1u32..3,
            steps in proptest::collection::vec(0usize..5, 1..8),
        ) {
            let pool = ids(5);
            let mut present: Vec<MemberId> = pool[..2].to_vec();
            let mut current = assign(None, &present, partitions, replicas);
            for step in steps {
                let member = &pool[step];
                let before = current.clone();
                if !present.contains(member) {
                    present.push(member.clone());
                } else if present.len() > 1 {
                    present.retain(|m| m != member);
                } else {
                    continue;
                }
                current = assign(Some(&before), &present, partitions, replicas);
                let fewest = fewest_moves(&before, &present, partitions, replicas);
                prop_assert_eq!(current.moves_from(&before), fewest, "{:?} -> {:?}", before, current);
            }
        }

        #[test]
        fn any_previous_gives_a_balanced_deterministic_placement(
            count in 0usize..7, partitions in 1u32..30, replicas in 1u32..4,
            seed in proptest::collection::vec(proptest::collection::vec(0usize..9, 0..4), 1..30),
        ) {
            let pool = ids(9);
            let members = &pool[..count];
            let previous = Assignment::new(seed.iter().map(|l| {
                let mut list: Vec<MemberId> = Vec::new();
                for i in l {
                    if !list.contains(&pool[*i]) {
                        list.push(pool[*i].clone());
                    }
                }
                list
            }).collect()).unwrap();
            let a = assign(Some(&previous), members, partitions, replicas);
            check_shape(&a, members, partitions, replicas);
            prop_assert_eq!(&a, &assign(Some(&previous), members, partitions, replicas));
            // Stable: assigning again changes nothing.
            prop_assert_eq!(&a, &assign(Some(&a), members, partitions, replicas));
        }
    }
}
