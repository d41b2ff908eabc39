//! The ZooKeeper coordinator against the real ZooKeeper of `dev/services up`: membership seen
//! by a watch, one master per partition with epochs that grow across failovers, a node cut off
//! from ZooKeeper losing its masterships before a successor is elected, and assignments that
//! move only what they must when members join and leave.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod coordinator_support;
mod services;

use std::time::{Duration, Instant};

use affinity::coordinator::{
    Coordinator, CoordinatorError, CoordinatorStatus, KeyspaceSpec, MemberId, ZookeeperCoordinator,
    assign,
};
use coordinator_support::{
    Proxy, ROOT, bounded, client, config, connect_string, member, remove_tree, unique, until,
};

async fn join(connect: &str, cluster: &str, id: &str, session: Duration) -> ZookeeperCoordinator {
    bounded(
        "joining",
        ZookeeperCoordinator::connect(&config(connect, cluster, session), member(id, 7000)),
    )
    .await
    .unwrap_or_else(|e| panic!("{id} joining {cluster}: {e}"))
}

async fn cleanup(connect: &str, cluster: &str) {
    remove_tree(&client(connect).await, &format!("{ROOT}/{cluster}")).await;
}

fn id(s: &str) -> MemberId {
    MemberId::new(s).unwrap()
}

#[tokio::test]
async fn members_join_and_leave_and_an_id_that_is_live_cannot_join_twice() {
    let Some(connect) = connect_string() else {
        return;
    };
    let cluster = unique("members");
    let session = Duration::from_secs(4);
    let a = join(&connect, &cluster, "a", session).await;
    let mut members = a.members();
    assert_eq!(
        members.borrow_and_update().keys().collect::<Vec<_>>(),
        [&id("a")]
    );

    let b = join(&connect, &cluster, "b", session).await;
    until("a sees b join", &mut members, |m| m.contains_key(&id("b"))).await;
    assert_eq!(members.borrow()[&id("b")], member("b", 7000));
    assert_eq!(b.members().borrow().len(), 2);

    let twice =
        ZookeeperCoordinator::connect(&config(&connect, &cluster, session), member("b", 9000))
            .await;
    assert!(
        matches!(twice, Err(CoordinatorError::MemberAlreadyLive(ref m)) if *m == id("b")),
        "{twice:?}"
    );

    // A clean shutdown closes the session: the others see the member leave at once, well
    // before its session would have timed out.
    let left = Instant::now();
    b.shutdown().await;
    assert_eq!(*b.status().borrow(), CoordinatorStatus::Stopped);
    until("a sees b leave", &mut members, |m| {
        !m.contains_key(&id("b"))
    })
    .await;
    assert!(
        left.elapsed() < session,
        "b left after {:?}",
        left.elapsed()
    );
    // The id is free again.
    let again = join(&connect, &cluster, "b", session).await;
    until("a sees b again", &mut members, |m| m.contains_key(&id("b"))).await;

    again.shutdown().await;
    a.shutdown().await;
    cleanup(&connect, &cluster).await;
}

#[tokio::test]
async fn each_partition_has_one_master_and_epochs_grow_across_failovers() {
    let Some(connect) = connect_string() else {
        return;
    };
    let cluster = unique("election");
    let session = Duration::from_secs(4);
    let a = join(&connect, &cluster, "a", session).await;
    let b = join(&connect, &cluster, "b", session).await;
    let spec = KeyspaceSpec::new("graph", 4, 2);
    let mut assignment = a.keyspace(&spec).await.unwrap();
    let mut b_assignment = b.keyspace(&spec).await.unwrap();
    // Both members hold a replica of every partition once the controller has seen b, and
    // each must know it before it campaigns (a member that is no replica is refused).
    for seen in [&mut assignment, &mut b_assignment] {
        until("both hold every partition", seen, |x| {
            (0..4).all(|p| x.replicas(p).len() == 2)
        })
        .await;
    }

    // Both campaign for every partition at once: exactly one wins each.
    let mut a_campaigns = Vec::new();
    let mut b_campaigns = Vec::new();
    for p in 0..4 {
        let (a, b) = (a.clone(), b.clone());
        a_campaigns.push(tokio::spawn(async move { a.campaign("graph", p).await }));
        b_campaigns.push(tokio::spawn(async move { b.campaign("graph", p).await }));
    }
    let mut winners = Vec::new();
    let mut waiting = Vec::new();
    for (p, (ta, tb)) in a_campaigns.into_iter().zip(b_campaigns).enumerate() {
        let mut master = a.master("graph", p as u32).await.unwrap();
        until("a master", &mut master, Option::is_some).await;
        let who = master.borrow().clone().unwrap();
        assert_eq!(who.epoch, 1, "partition {p}: the first master's epoch");
        let (won, lost) = if who.member.id == id("a") {
            (ta, tb)
        } else {
            (tb, ta)
        };
        let mastership = bounded("the winner's campaign", won)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(mastership.epoch(), 1);
        assert!(mastership.is_held());
        // The other one is still waiting in line.
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(
            !lost.is_finished(),
            "partition {p}: the other campaign ended: {:?}",
            lost.await
        );
        winners.push((who.member.id.clone(), mastership));
        waiting.push(lost);
    }

    // A campaign while already in line is refused.
    let (holder, _) = &winners[0];
    let holder = if *holder == id("a") { &a } else { &b };
    assert!(matches!(
        holder.campaign("graph", 0).await,
        Err(CoordinatorError::AlreadyCampaigning { .. })
    ));

    // Partition 0's master resigns: its mastership is lost first, then the other takes over
    // with epoch 2.
    holder.resign("graph", 0).await.unwrap();
    assert!(!winners[0].1.is_held());
    let second = bounded("the successor", waiting.remove(0))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.epoch(), 2);
    assert_ne!(holder.local().id, {
        let mut m = a.master("graph", 0).await.unwrap();
        until("the new master", &mut m, |m| {
            m.as_ref().is_some_and(|m| m.epoch == 2)
        })
        .await;
        m.borrow().clone().unwrap().member.id
    });

    // Now a leaves for good: every partition it mastered goes to b, with a higher epoch.
    a.shutdown().await;
    for (p, (winner, mastership)) in winners.iter().enumerate().skip(1) {
        if *winner == id("a") {
            assert!(
                !mastership.is_held(),
                "a's mastership of {p} after its shutdown"
            );
        }
    }
    for (i, campaign) in waiting.into_iter().enumerate() {
        let p = i + 1;
        let (winner, old) = &winners[p];
        if *winner == id("a") {
            let taken = bounded("b takes over", campaign).await.unwrap().unwrap();
            assert!(taken.epoch() > old.epoch(), "partition {p}");
        } else {
            // a's candidacy ended with its session.
            let ended = bounded("a's campaign ends", campaign).await.unwrap();
            assert!(ended.is_err(), "partition {p}: {ended:?}");
        }
    }
    // (Partition 0 has no candidate left if b was the one that resigned it.)
    for p in 1..4 {
        let mut master = b.master("graph", p).await.unwrap();
        until(
            "b masters every partition it campaigned for",
            &mut master,
            |m| m.as_ref().is_some_and(|m| m.member.id == id("b")),
        )
        .await;
    }
    b.shutdown().await;
    cleanup(&connect, &cluster).await;
}

#[tokio::test]
async fn a_node_cut_off_from_zookeeper_loses_its_mastership_before_the_successor_wins() {
    let Some(connect) = connect_string() else {
        return;
    };
    let cluster = unique("partitioned");
    let session = Duration::from_secs(3);
    let proxy = Proxy::start(&connect).await;
    let a = join(&proxy.address, &cluster, "a", session).await;
    let b = join(&connect, &cluster, "b", session).await;
    let spec = KeyspaceSpec::new("graph", 1, 2);
    let mut assignment = a.keyspace(&spec).await.unwrap();
    let mut b_assignment = b.keyspace(&spec).await.unwrap();
    for seen in [&mut assignment, &mut b_assignment] {
        until("both replicas", seen, |x| x.replicas(0).len() == 2).await;
    }

    let first = bounded("a wins", a.campaign("graph", 0)).await.unwrap();
    let contender = {
        let b = b.clone();
        tokio::spawn(async move {
            let won = b.campaign("graph", 0).await;
            (Instant::now(), won)
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!contender.is_finished());

    let lost = {
        let first = first.clone();
        tokio::spawn(async move {
            first.lost().await;
            Instant::now()
        })
    };
    let mut status = a.status();
    let cut = Instant::now();
    proxy.freeze(true);

    let lost_at = bounded("a's mastership is lost", lost).await.unwrap();
    assert_eq!(*status.borrow_and_update(), CoordinatorStatus::Suspended);
    assert!(!first.is_held());
    let (won_at, won) = bounded("b takes over", contender).await.unwrap();
    let second = won.unwrap();
    assert!(second.epoch() > first.epoch());
    assert!(
        lost_at < won_at,
        "a lost its mastership {:?} after b won",
        lost_at - won_at
    );
    let failover = won_at - cut;
    assert!(
        failover <= session + Duration::from_secs(2),
        "b took over {failover:?} after the cut (session {session:?})"
    );
    eprintln!(
        "a lost its mastership {:?} after the cut, b won {failover:?} after it",
        lost_at - cut
    );

    // When the network heals, a learns its session is over.
    proxy.freeze(false);
    until("a's session is over", &mut status, |s| {
        *s == CoordinatorStatus::Expired
    })
    .await;
    assert!(matches!(
        a.campaign("graph", 0).await,
        Err(CoordinatorError::SessionLost(_))
    ));
    b.shutdown().await;
    cleanup(&connect, &cluster).await;
}

#[tokio::test]
async fn assignments_move_only_what_they_must_as_members_join_and_leave() {
    let Some(connect) = connect_string() else {
        return;
    };
    let cluster = unique("assignment");
    let session = Duration::from_secs(4);
    let spec = KeyspaceSpec::new("graph", 6, 2);
    let a = join(&connect, &cluster, "a", session).await;
    let mut seen = a.keyspace(&spec).await.unwrap();
    let alone = seen.borrow_and_update().as_ref().clone();
    assert!((0..6).all(|p| alone.replicas(p) == [id("a")]));

    let b = join(&connect, &cluster, "b", session).await;
    until("b placed", &mut seen, |x| {
        x.partitions_of(&id("b")).len() == 6
    })
    .await;
    let two = seen.borrow_and_update().as_ref().clone();
    assert_eq!(two, assign(Some(&alone), &[id("a"), id("b")], 6, 2));

    let c = join(&connect, &cluster, "c", session).await;
    let mut on_c = c.keyspace(&spec).await.unwrap();
    until("c placed", &mut seen, |x| {
        x.partitions_of(&id("c")).len() == 4
    })
    .await;
    let three = seen.borrow_and_update().as_ref().clone();
    assert_eq!(
        three,
        assign(Some(&two), &[id("a"), id("b"), id("c")], 6, 2)
    );
    // c took 4 replicas (one third of 12), from a and b, and nothing else moved.
    assert_eq!(three.moves_from(&two), 4);
    until("c sees the same", &mut on_c, |x| **x == three).await;

    // Only replicas may campaign.
    let outside = (0..6).find(|p| !three.holds(&id("c"), *p)).unwrap();
    assert!(matches!(
        c.campaign("graph", outside).await,
        Err(CoordinatorError::NotAReplica { .. })
    ));
    // A declaration of another shape is refused.
    assert!(matches!(
        c.keyspace(&KeyspaceSpec::new("graph", 7, 2)).await,
        Err(CoordinatorError::KeyspaceMismatch {
            stored_partitions: 6,
            ..
        })
    ));

    // b leaves: its replicas go to a and c, the rest stays.
    b.shutdown().await;
    until("b's replicas moved", &mut seen, |x| {
        x.partitions_of(&id("b")).is_empty()
    })
    .await;
    let after = seen.borrow_and_update().as_ref().clone();
    assert_eq!(after, assign(Some(&three), &[id("a"), id("c")], 6, 2));
    assert_eq!(
        after.moves_from(&three),
        three.partitions_of(&id("b")).len()
    );

    c.shutdown().await;
    a.shutdown().await;
    cleanup(&connect, &cluster).await;
}

#[tokio::test]
async fn a_static_placement_is_used_as_given() {
    let Some(connect) = connect_string() else {
        return;
    };
    let cluster = unique("static");
    let a = join(&connect, &cluster, "a", Duration::from_secs(4)).await;
    let map = [(0, vec![id("b"), id("a")]), (1, vec![id("a")])].into();
    let spec = KeyspaceSpec::new("fixed", 2, 2).with_static_placement(map);
    let assignment = a.keyspace(&spec).await.unwrap();
    assert_eq!(assignment.borrow().replicas(0), [id("b"), id("a")]);
    assert_eq!(assignment.borrow().replicas(1), [id("a")]);
    // The controller leaves it alone although b is not a member.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(assignment.borrow().replicas(0), [id("b"), id("a")]);
    // a is a replica of 0 (not the preferred master): it may campaign.
    assert_eq!(
        bounded("campaign", a.campaign("fixed", 0))
            .await
            .unwrap()
            .epoch(),
        1
    );
    a.shutdown().await;
    cleanup(&connect, &cluster).await;
}
