//! What the derive's schema attributes do for schema evolution: optional fields default to
//! null, `default` fills fields old data lacks, aliases follow renames, an enum's default symbol
//! stands in for symbols the reader does not know.

use affinity_avro::{Avro, Compatibility, can_read, from_slice_with, to_vec};

mod v1 {
    use affinity_avro::Avro;

    #[derive(Avro, Debug, Clone, PartialEq)]
    #[avro(namespace = "test.evolve")]
    pub(crate) enum Role {
        Member,
        Admin,
        Owner,
    }

    #[derive(Avro, Debug, Clone, PartialEq)]
    #[avro(namespace = "test.evolve")]
    pub(crate) struct User {
        pub(crate) id: i64,
        pub(crate) name: String,
        pub(crate) role: Role,
    }
}

mod v2 {
    use affinity_avro::Avro;

    #[derive(Avro, Debug, Clone, PartialEq)]
    #[avro(namespace = "test.evolve")]
    pub(crate) enum Role {
        #[avro(default)]
        Member,
        Admin,
    }

    #[derive(Avro, Debug, Clone, PartialEq)]
    #[avro(namespace = "test.evolve", name = "Account", alias = "User")]
    pub(crate) struct Account {
        #[avro(rename = "account_id", alias = "id")]
        pub(crate) id: i64,
        pub(crate) name: String,
        pub(crate) role: Role,
        pub(crate) nickname: Option<String>,
        #[avro(default = "3")]
        pub(crate) quota: i32,
    }
}

#[test]
fn new_fields_with_defaults_and_renamed_fields_read_old_data() {
    let old = v1::User {
        id: 7,
        name: "ada".into(),
        role: v1::Role::Admin,
    };
    let read = from_slice_with::<v2::Account>(v1::User::schema(), &to_vec(&old));
    assert_eq!(
        read.map_err(|e| e.to_string()),
        Ok(v2::Account {
            id: 7,
            name: "ada".into(),
            role: v2::Role::Admin,
            nickname: None,
            quota: 3,
        })
    );
    assert!(can_read(v2::Account::schema(), v1::User::schema()).is_ok());
}

#[test]
fn an_unknown_symbol_reads_as_the_default_symbol() {
    let old = v1::User {
        id: 1,
        name: "o".into(),
        role: v1::Role::Owner,
    };
    let read = from_slice_with::<v2::Account>(v1::User::schema(), &to_vec(&old))
        .map_err(|e| e.to_string());
    assert_eq!(read.map(|a| a.role), Ok(v2::Role::Member));
}

#[test]
fn a_field_without_a_default_cannot_be_added_compatibly() {
    mod v3 {
        use affinity_avro::Avro;

        #[derive(Avro)]
        #[avro(namespace = "test.evolve", name = "User")]
        pub(crate) struct User {
            pub(crate) id: i64,
            pub(crate) name: String,
            pub(crate) email: String,
        }
    }
    assert!(can_read(v3::User::schema(), v1::User::schema()).is_err());
    assert!(
        Compatibility::Backward
            .check(v3::User::schema(), &[v1::User::schema()])
            .is_err()
    );
}
