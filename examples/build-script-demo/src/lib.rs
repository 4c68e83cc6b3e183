//! Uses a client generated at build time from `pets.yaml`.

/// The generated client for the pet shop API.
pub mod pets {
    include!(concat!(env!("OUT_DIR"), "/pets.rs"));
}

/// The name of a pet, or `None` when the shop does not know it.
pub async fn pet_name(
    client: &pets::Client,
    id: &str,
) -> Result<Option<String>, pets::runtime::Error<pets::GetPetError>> {
    match client.get_pet(id).await {
        Ok(pet) => Ok(Some(pet.name)),
        Err(err) if matches!(err.api_body(), Some(pets::GetPetError::NotFound(_))) => Ok(None),
        Err(other) => Err(other),
    }
}
